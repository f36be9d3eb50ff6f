package io.floe.spark;

import io.floe.core.error.FloeException;
import io.floe.core.project.CatalogConfig;
import io.floe.core.project.Project;
import io.floe.core.project.StorageConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keeps resolved secrets out of error messages. Drivers echo what they were given (a JDBC URL
 * built from {@code ${env:...}}, say), so every message leaving the engine passes through here.
 */
final class SecretRedactor {
  private static final String MASK = "****";
  // Shorter values would mask ordinary words; such a secret is not worth the name anyway.
  private static final int MIN_LENGTH = 4;

  private final List<String> secrets;

  private SecretRedactor(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /**
   * Collects the resolved value of every secret field and every value with a reference. A value
   * like {@code jdbc:postgresql://${env:HOST}/db} is masked whole: only its reference is secret,
   * but the whole is what a driver echoes.
   */
  static SecretRedactor of(Project project) {
    CatalogConfig catalog = project.config().catalog();
    StorageConfig storage = project.config().storage();
    List<String> secrets = new ArrayList<>();
    Stream.of(
            catalog.uri(), catalog.user(), catalog.password(), catalog.warehouse(),
            catalog.credential(), catalog.token(), storage.endpoint(), storage.accessKeyId(),
            storage.secretAccessKey())
        .filter(value -> value != null && (value.isSecret() || value.hasReference()))
        .map(value -> value.resolve(project.root()))
        .filter(value -> value.length() >= MIN_LENGTH)
        .forEach(secrets::add);
    return new SecretRedactor(secrets);
  }

  /** Returns {@code error}, or a copy without the cause when its message held a secret. */
  FloeException redact(FloeException error) {
    String message = error.getMessage();
    String redacted = message;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, MASK);
    }
    // The cause's messages may hold the same secret, and -v prints them: leave it behind.
    return redacted.equals(message) ? error : new FloeException(error.category(), redacted);
  }
}
