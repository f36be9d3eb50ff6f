package io.floe.core.secret;

/**
 * Where the values of one kind of secret reference are kept (HashiCorp Vault, say). A store caches
 * what it read for a while, so one run asks the server once per secret; it never logs a value.
 */
public interface SecretStore {
  /**
   * The value {@code reference} names.
   *
   * @throws io.floe.core.error.FloeException a user or external error saying what is missing or
   *     unreachable and what to do, never with a secret value in it
   */
  String read(SecretReference reference);
}
