package io.floe.core.secret;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * A configured string as written, with where it was written. It may be or contain secret references
 * ({@code ${env:NAME}}, {@code ${file:PATH}}, {@code ${vault:PATH#KEY}}), which are resolved only when the value is used, so a
 * missing secret fails the command that needs it, with the location. Neither {@link #toString()} nor
 * any error message ever shows a resolved value, nor the literal value of a secret field.
 */
public final class ConfigValue {
  private static final String MASK = "****";

  private final String key;
  private final String raw;
  private final SourceLocation location;
  private final boolean secret;

  /**
   * @param key the setting, e.g. {@code catalog.password}, named in errors
   * @param raw the value as written
   * @param secret whether the literal value must never be shown
   */
  public ConfigValue(String key, String raw, SourceLocation location, boolean secret) {
    this.key = requireNonNull(key, "key is null");
    this.raw = requireNonNull(raw, "raw is null");
    this.location = requireNonNull(location, "location is null");
    this.secret = secret;
  }

  /** A value of the field, secret when the field's type is {@link ConfigType#SECRET}. */
  public static ConfigValue of(ConfigField field, String raw, SourceLocation location) {
    return new ConfigValue(field.key(), raw, location, field.type() == ConfigType.SECRET);
  }

  public String key() {
    return key;
  }

  /** The value as written, references unresolved. */
  public String raw() {
    return raw;
  }

  public SourceLocation location() {
    return location;
  }

  public boolean isSecret() {
    return secret;
  }

  /** Whether the value is or contains a secret reference. */
  public boolean hasReference() {
    return SecretReference.PATTERN.matcher(raw).find();
  }

  /**
   * The value with every reference replaced: {@code ${env:NAME}} by the environment variable,
   * {@code ${file:PATH}} by the file's content without trailing line breaks (a relative path is
   * relative to {@code projectDir}, {@code ~/} is the home directory).
   *
   * @throws FloeException a user error naming the location and key if a reference cannot be resolved
   */
  public String resolve(Path projectDir) {
    return resolve(projectDir, System::getenv);
  }

  /** As {@link #resolve(Path)}, reading environment variables from {@code env}. */
  public String resolve(Path projectDir, Function<String, String> env) {
    requireNonNull(projectDir, "projectDir is null");
    requireNonNull(env, "env is null");
    Matcher matcher = SecretReference.PATTERN.matcher(raw);
    StringBuilder resolved = new StringBuilder();
    while (matcher.find()) {
      SecretReference reference = SecretReference.from(matcher).orElseThrow(() -> failure(
          "the reference %s names nothing. Write ${env:NAME}, ${file:PATH} or ${vault:PATH#KEY}.", matcher.group()));
      matcher.appendReplacement(resolved, Matcher.quoteReplacement(lookUp(reference, projectDir, env)));
    }
    matcher.appendTail(resolved);
    return resolved.toString();
  }

  private String lookUp(SecretReference reference, Path projectDir, Function<String, String> env) {
    if (reference.scheme().equals(SecretReference.VAULT)) {
      try {
        return SecretStores.read(reference, projectDir);
      } catch (FloeException e) {
        throw new FloeException(e.category(), location + ": Cannot resolve " + key + " (" + reference + "): "
            + e.getMessage(), e);
      }
    }
    if (reference.scheme().equals(SecretReference.ENV)) {
      String value = env.apply(reference.target());
      if (value == null) {
        throw failure("environment variable %s is not set (referenced as %s). Set it or change the reference.",
            reference.target(), reference);
      }
      return value;
    }
    Path path = filePath(reference.target(), projectDir);
    try {
      return Files.readString(path).replaceFirst("[\\r\\n]+$", "");
    } catch (NoSuchFileException e) {
      throw failure(e, "file %s does not exist (referenced as %s). Create it or change the reference.",
          path, reference);
    } catch (AccessDeniedException e) {
      throw failure(e, "file %s is not readable (referenced as %s). Check its permissions or change the reference.",
          path, reference);
    } catch (IOException e) {
      throw failure(e, "cannot read file %s (referenced as %s): %s. Fix it or change the reference.",
          path, reference, e.getClass().getSimpleName());
    }
  }

  private static Path filePath(String target, Path projectDir) {
    if (target.equals("~") || target.startsWith("~/")) {
      return Path.of(System.getProperty("user.home"), target.substring(1)).normalize();
    }
    return projectDir.resolve(target).toAbsolutePath().normalize();
  }

  private FloeException failure(String reason, Object... args) {
    return failure(null, reason, args);
  }

  private FloeException failure(Throwable cause, String reason, Object... args) {
    String message = location + ": Cannot resolve " + key + ": " + String.format(reason, args);
    return new FloeException(ErrorCategory.USER, message, cause);
  }

  /** The raw form when it is a reference or the value is not secret, otherwise {@code ****}. */
  @Override
  public String toString() {
    if (!secret || SecretReference.parse(raw).isPresent()) {
      return raw;
    }
    return MASK;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConfigValue that
        && key.equals(that.key)
        && raw.equals(that.raw)
        && location.equals(that.location)
        && secret == that.secret;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, raw, location, secret);
  }
}
