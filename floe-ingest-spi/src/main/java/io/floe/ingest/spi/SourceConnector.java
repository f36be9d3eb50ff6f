package io.floe.ingest.spi;

import io.floe.core.config.ConfigField;
import java.util.List;
import java.util.Set;

/**
 * A kind of source (files, PostgreSQL ...), found with {@link java.util.ServiceLoader}. It declares
 * the settings of its types, which floe.yaml is checked against before anything runs, and creates
 * sources from checked definitions.
 */
public interface SourceConnector {
  /** The {@code type:} values this connector handles, e.g. {@code csv}, {@code json}, {@code parquet}. */
  Set<String> types();

  /**
   * The settings a source of {@code type} takes besides the common ones of {@link SourceSettings},
   * with keys relative to the source (e.g. {@code csv.delimiter}).
   */
  List<ConfigField> settings(String type);

  /**
   * Checks what the types alone cannot (a glob, a URL) and creates the source.
   *
   * @throws io.floe.core.error.FloeException a user error naming file and line for a bad setting
   */
  Source create(SourceDefinition definition);
}
