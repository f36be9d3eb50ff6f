package io.floe.secrets.vault;

import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How to reach Vault and log in, from floe.yaml's {@code vault:} section. Values are read when the
 * first reference is resolved, never before, and the token and secret id only into memory.
 *
 * @param address the server, e.g. {@code https://vault:8200}
 * @param token the token for token auth (read on use), or empty with AppRole
 * @param roleId the AppRole role id, or empty for token auth
 * @param secretId the AppRole secret id (read on use)
 * @param approlePath where AppRole is mounted
 * @param namespace the Enterprise namespace, or empty
 */
record VaultSettings(URI address, Optional<Supplier<String>> token, Optional<String> roleId,
    Optional<Supplier<String>> secretId, String approlePath, Optional<String> namespace) {

  static VaultSettings of(Map<String, ConfigValue> settings, Path projectDir, Function<String, String> env) {
    String address = resolve(settings.get("address"), projectDir, env).orElseGet(() -> env.apply("VAULT_ADDR"));
    if (address == null || address.isBlank()) {
      throw FloeException.user("no Vault address: set vault.address in floe.yaml or the VAULT_ADDR variable.");
    }
    URI uri;
    try {
      uri = URI.create(address.strip().replaceAll("/+$", ""));
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
    } catch (IllegalArgumentException e) {
      throw FloeException.user("vault.address must be a URL such as https://vault:8200, but was '%s'.", address);
    }
    Optional<String> roleId = resolve(settings.get("role-id"), projectDir, env);
    ConfigValue secretId = settings.get("secret-id");
    if (roleId.isPresent() && secretId == null) {
      throw FloeException.user("vault.role-id is set, so Floe logs in with AppRole, but vault.secret-id is not:"
          + " set it to ${env:NAME} or ${file:PATH}.");
    }
    ConfigValue token = settings.get("token");
    Supplier<String> tokenSupplier = () -> token != null ? token.resolve(projectDir, env) : defaultToken(env);
    return new VaultSettings(uri, roleId.isPresent() ? Optional.empty() : Optional.of(tokenSupplier), roleId,
        Optional.ofNullable(secretId).map(value -> () -> value.resolve(projectDir, env)),
        resolve(settings.get("approle-path"), projectDir, env).orElse("approle"),
        resolve(settings.get("namespace"), projectDir, env));
  }

  // As Vault's own CLI: VAULT_TOKEN, then the token `vault login` left in ~/.vault-token.
  private static String defaultToken(Function<String, String> env) {
    String token = env.apply("VAULT_TOKEN");
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    Path file = Path.of(System.getProperty("user.home"), ".vault-token");
    try {
      if (Files.isRegularFile(file)) {
        return Files.readString(file).strip();
      }
    } catch (IOException e) {
      throw FloeException.user(e, "cannot read the Vault token in %s: %s. Set vault.token or VAULT_TOKEN instead.",
          file, e.getClass().getSimpleName());
    }
    throw FloeException.user("no Vault token: set vault.token in floe.yaml (e.g. ${env:VAULT_TOKEN}), the"
        + " VAULT_TOKEN variable, or log in with AppRole (vault.role-id and vault.secret-id).");
  }

  private static Optional<String> resolve(ConfigValue value, Path projectDir, Function<String, String> env) {
    if (value == null) {
      return Optional.empty();
    }
    String resolved;
    try {
      resolved = value.resolve(projectDir, env);
    } catch (FloeException e) {
      // An unset ${env:VAULT_ADDR} default is "not set", so the next fallback can speak.
      if (value.raw().strip().startsWith("${env:")) {
        return Optional.empty();
      }
      throw e;
    }
    return resolved.isBlank() ? Optional.empty() : Optional.of(resolved.strip());
  }
}
