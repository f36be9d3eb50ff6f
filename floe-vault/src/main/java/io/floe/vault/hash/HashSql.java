package io.floe.vault.hash;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@link VaultHash}'s specification as a SQL expression, for the engines that read a vault:
 * Spark (which loads it), DuckDB and Trino. Columns are SQL expressions, usually column names.
 */
public final class HashSql {
  /** An engine's spelling of the same functions. */
  public enum Dialect {
    SPARK,
    DUCKDB,
    TRINO
  }

  private HashSql() {}

  /** The hash key of {@code columns}, in their order: NULL when every one is NULL or blank. */
  public static String key(Dialect dialect, HashAlgorithm algorithm, List<String> columns) {
    requireNonNull(dialect, "dialect is null");
    requireNonNull(algorithm, "algorithm is null");
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("A hash needs at least one column");
    }
    if (columns.size() == 1) {
      return digest(dialect, algorithm, standardise(dialect, columns.get(0)));
    }
    String allNull = columns.stream().map(column -> VaultHash.NULL_PLACEHOLDER)
        .collect(Collectors.joining(VaultHash.SEPARATOR));
    return digest(dialect, algorithm, "NULLIF(" + joined(dialect, columns) + ", '" + allNull + "')");
  }

  /** The hash diff of {@code columns}: sorted by name, never NULL for several columns. */
  public static String diff(Dialect dialect, HashAlgorithm algorithm, List<String> columns) {
    List<String> sorted = columns.stream().sorted().toList();
    if (sorted.size() == 1) {
      return key(dialect, algorithm, sorted);
    }
    return digest(dialect, algorithm, joined(dialect, sorted));
  }

  private static String joined(Dialect dialect, List<String> columns) {
    return "CONCAT_WS('" + VaultHash.SEPARATOR + "', " + columns.stream()
        .map(column -> "COALESCE(" + standardise(dialect, column) + ", '" + VaultHash.NULL_PLACEHOLDER + "')")
        .collect(Collectors.joining(", ")) + ")";
  }

  private static String standardise(Dialect dialect, String column) {
    String type = dialect == Dialect.SPARK ? "STRING" : "VARCHAR";
    return "NULLIF(UPPER(TRIM(CAST(" + column + " AS " + type + "))), '')";
  }

  private static String digest(Dialect dialect, HashAlgorithm algorithm, String text) {
    return switch (dialect) {
      case SPARK -> switch (algorithm) {
        case MD5 -> "UPPER(MD5(" + text + "))";
        case SHA1 -> "UPPER(SHA1(" + text + "))";
        case SHA256 -> "UPPER(SHA2(" + text + ", 256))";
      };
      case DUCKDB -> switch (algorithm) {
        case MD5 -> "UPPER(MD5(" + text + "))";
        case SHA1 -> "UPPER(SHA1(" + text + "))";
        case SHA256 -> "UPPER(SHA256(" + text + "))";
      };
      case TRINO -> switch (algorithm) {
        case MD5 -> "TO_HEX(MD5(TO_UTF8(" + text + ")))";
        case SHA1 -> "TO_HEX(SHA1(TO_UTF8(" + text + ")))";
        case SHA256 -> "TO_HEX(SHA256(TO_UTF8(" + text + ")))";
      };
    };
  }
}
