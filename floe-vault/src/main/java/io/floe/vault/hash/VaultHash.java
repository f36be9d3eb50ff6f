package io.floe.vault.hash;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The vault's one hashing specification, as a Java function; {@link HashSql} writes the same
 * function as SQL, and a test holds the two equal. It follows AutomateDV's defaults, so the same
 * data gives the same keys as a dbt + AutomateDV vault on Spark/Databricks:
 *
 * <ol>
 *   <li>each value is cast to a string, trimmed of spaces and upper-cased; an empty result is NULL;
 *   <li>one column: the hash of that value (NULL stays NULL: the key is not loaded);
 *   <li>several columns: NULLs become {@value #NULL_PLACEHOLDER}, the values are joined with
 *       {@value #SEPARATOR} in the declared order, and a key whose every value was NULL is NULL;
 *   <li>a hash diff: as several columns, sorted by column name, and never NULL;
 *   <li>the digest (MD5 by default) of the UTF-8 bytes, as upper-case hexadecimal text.
 * </ol>
 *
 * <p>Values are given as the engine's cast to string writes them: the cast of a timestamp or a
 * decimal is the engine's ({@code 2024-01-01 00:15:00} in Spark); keys of strings and integers,
 * the usual business keys, hash alike in every engine. One known difference: Spark and Java
 * upper-case {@code ß} to {@code SS}, DuckDB leaves it.
 */
public final class VaultHash {
  /** Joins the values of several columns. */
  public static final String SEPARATOR = "||";
  /** Stands for a NULL value among several columns. */
  public static final String NULL_PLACEHOLDER = "^^";

  private VaultHash() {}

  /** The hash key of business key values, in the declared order; null when every value is NULL or blank. */
  public static String key(HashAlgorithm algorithm, List<String> values) {
    requireNonNull(algorithm, "algorithm is null");
    if (values.size() == 1) {
      String value = standardise(values.get(0));
      return value == null ? null : digest(algorithm, value);
    }
    List<String> parts = new ArrayList<>(values.size());
    boolean allNull = true;
    for (String value : values) {
      String standard = standardise(value);
      allNull &= standard == null;
      parts.add(standard == null ? NULL_PLACEHOLDER : standard);
    }
    return allNull ? null : digest(algorithm, String.join(SEPARATOR, parts));
  }

  /** The hash diff of descriptive values by column name: sorted by name, NULLs as placeholders. */
  public static String diff(HashAlgorithm algorithm, Map<String, String> valuesByColumn) {
    requireNonNull(algorithm, "algorithm is null");
    TreeMap<String, String> sorted = new TreeMap<>(valuesByColumn);
    if (sorted.size() == 1) {
      return key(algorithm, new ArrayList<>(sorted.values()));
    }
    List<String> parts = new ArrayList<>(sorted.size());
    for (String value : sorted.values()) {
      String standard = standardise(value);
      parts.add(standard == null ? NULL_PLACEHOLDER : standard);
    }
    return digest(algorithm, String.join(SEPARATOR, parts));
  }

  // SQL's TRIM removes spaces only (not tabs or newlines), and UPPER is locale-independent.
  static String standardise(String value) {
    if (value == null) {
      return null;
    }
    int start = 0;
    int end = value.length();
    while (start < end && value.charAt(start) == ' ') {
      start++;
    }
    while (end > start && value.charAt(end - 1) == ' ') {
      end--;
    }
    String trimmed = value.substring(start, end).toUpperCase(Locale.ROOT);
    return trimmed.isEmpty() ? null : trimmed;
  }

  private static String digest(HashAlgorithm algorithm, String text) {
    try {
      byte[] hash = MessageDigest.getInstance(algorithm.javaName()).digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JVM has no " + algorithm.javaName() + " digest", e);
    }
  }
}
