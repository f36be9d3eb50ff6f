package io.floe.vault.hash;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.List;
import java.util.Locale;

/** The digest a vault's hash keys and hash diffs use; AutomateDV's {@code hash} var names them the same way. */
public enum HashAlgorithm {
  MD5("MD5", 32),
  SHA1("SHA-1", 40),
  SHA256("SHA-256", 64);

  private final String javaName;
  private final int hexLength;

  HashAlgorithm(String javaName, int hexLength) {
    this.javaName = javaName;
    this.hexLength = hexLength;
  }

  /** The name {@link java.security.MessageDigest} knows it by. */
  String javaName() {
    return javaName;
  }

  /** Characters of the hexadecimal text a hash is stored as. */
  public int hexLength() {
    return hexLength;
  }

  /** The name a declaration writes: {@code md5}, {@code sha1}, {@code sha256}. */
  public String declaredName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The algorithm a declaration names: {@code md5}, {@code sha1}, {@code sha256} (AutomateDV's
   * {@code sha} is SHA-256, as there).
   *
   * @param where the file and line, for the error
   */
  public static HashAlgorithm named(String name, String where) {
    String lower = name.toLowerCase(Locale.ROOT).replace("-", "");
    return switch (lower) {
      case "md5" -> MD5;
      case "sha1" -> SHA1;
      case "sha", "sha256" -> SHA256;
      default -> throw FloeException.user("%s: Cannot read hash: expected md5, sha1 or sha256, but was '%s'.%s",
          where, name, DidYouMean.hint(lower, List.of("md5", "sha1", "sha256")));
    };
  }
}
