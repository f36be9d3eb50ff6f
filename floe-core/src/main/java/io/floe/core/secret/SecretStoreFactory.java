package io.floe.core.secret;

import java.nio.file.Path;
import java.util.Map;

/**
 * Creates the {@link SecretStore} of one reference scheme ({@code vault}); found with
 * {@link java.util.ServiceLoader}, so the store's HTTP client lives in its own module and the core
 * knows none.
 */
public interface SecretStoreFactory {
  /** The scheme served, e.g. {@code vault}. */
  String scheme();

  /**
   * A store configured by the project's settings of this scheme ({@code vault.address} and so on,
   * keyed without the section), whose references resolve against {@code projectDir}.
   */
  SecretStore create(Map<String, ConfigValue> settings, Path projectDir);
}
