package io.floe.core.secret;

import io.floe.core.error.FloeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret stores of the projects this process has loaded: a project registers its store settings
 * when it is loaded, and a reference is resolved by the store of its project directory, created on
 * first use (so a project that references no Vault secret never talks to Vault).
 */
public final class SecretStores {
  private static final Map<String, Map<String, ConfigValue>> SETTINGS = new ConcurrentHashMap<>();
  private static final Map<String, SecretStore> STORES = new ConcurrentHashMap<>();

  private SecretStores() {}

  /** Records the settings of {@code scheme}'s store for the project at {@code projectDir}. */
  public static void configure(Path projectDir, String scheme, Map<String, ConfigValue> settings) {
    String key = key(projectDir, scheme);
    Map<String, ConfigValue> copy = Map.copyOf(settings);
    if (!copy.equals(SETTINGS.put(key, copy))) {
      STORES.remove(key);
    }
  }

  /**
   * The value of {@code reference}, from the store of its scheme for the project at {@code projectDir}.
   *
   * @throws FloeException a user error when no module serves the scheme
   */
  public static String read(SecretReference reference, Path projectDir) {
    String key = key(projectDir, reference.scheme());
    SecretStore store = STORES.computeIfAbsent(key, ignored -> create(reference.scheme(), projectDir,
        SETTINGS.getOrDefault(key, Map.of())));
    return store.read(reference);
  }

  private static SecretStore create(String scheme, Path projectDir, Map<String, ConfigValue> settings) {
    for (SecretStoreFactory factory : ServiceLoader.load(SecretStoreFactory.class)) {
      if (factory.scheme().equals(scheme)) {
        return factory.create(settings, projectDir);
      }
    }
    throw FloeException.user("no module for ${%s:...} references is on the class path (floe-secrets-vault serves"
        + " vault). Use the floe launcher, which has it, or add the module.", scheme);
  }

  private static String key(Path projectDir, String scheme) {
    return projectDir.toAbsolutePath().normalize() + "|" + scheme;
  }
}
