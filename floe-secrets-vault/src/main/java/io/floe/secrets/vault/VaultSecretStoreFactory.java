package io.floe.secrets.vault;

import io.floe.core.secret.ConfigValue;
import io.floe.core.secret.SecretReference;
import io.floe.core.secret.SecretStore;
import io.floe.core.secret.SecretStoreFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Serves {@code ${vault:PATH#KEY}} references with {@link VaultSecretStore}. */
public final class VaultSecretStoreFactory implements SecretStoreFactory {
  @Override
  public String scheme() {
    return SecretReference.VAULT;
  }

  @Override
  public SecretStore create(Map<String, ConfigValue> settings, Path projectDir) {
    return new VaultSecretStore(VaultSettings.of(settings, projectDir, System::getenv), Clock.systemUTC());
  }
}
