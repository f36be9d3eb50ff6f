package io.floe.core.secret;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a value kept outside the configuration: {@code ${env:NAME}} names an environment
 * variable, {@code ${file:PATH}} a file whose content is the value, {@code ${vault:PATH#KEY}} a key
 * of a secret in HashiCorp Vault's KV engine.
 *
 * @param scheme {@value #ENV}, {@value #FILE} or {@value #VAULT}
 * @param target the variable name, the file path, or the secret's path and key
 */
public record SecretReference(String scheme, String target) {
  public static final String ENV = "env";
  public static final String FILE = "file";
  public static final String VAULT = "vault";

  /** A reference anywhere in a text; the target may be empty here so that it can be reported. */
  static final Pattern PATTERN = Pattern.compile("\\$\\{(env|file|vault):([^}]*)}");

  public SecretReference {
    requireNonNull(scheme, "scheme is null");
    requireNonNull(target, "target is null");
    if (!Set.of(ENV, FILE, VAULT).contains(scheme)) {
      throw new IllegalArgumentException("Invalid secret reference scheme: expected env, file or vault, but was: "
          + scheme);
    }
    if (target.isBlank() || target.contains("}")) {
      throw new IllegalArgumentException("Invalid secret reference target: " + target);
    }
  }

  /** The reference, if the whole of {@code raw} is one; surrounding spaces inside the braces are ignored. */
  public static Optional<SecretReference> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    Matcher matcher = PATTERN.matcher(raw.strip());
    return matcher.matches() ? from(matcher) : Optional.empty();
  }

  /** The reference matched by {@link #PATTERN}, or empty if its target is blank. */
  static Optional<SecretReference> from(Matcher matcher) {
    String target = matcher.group(2).strip();
    return target.isEmpty() ? Optional.empty() : Optional.of(new SecretReference(matcher.group(1), target));
  }

  /** {@code ${env:NAME}}, {@code ${file:PATH}} or {@code ${vault:PATH#KEY}}. */
  @Override
  public String toString() {
    return "${" + scheme + ":" + target + "}";
  }
}
