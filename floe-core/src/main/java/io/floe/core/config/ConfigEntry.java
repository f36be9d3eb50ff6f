package io.floe.core.config;

import static java.util.Objects.requireNonNull;

/**
 * A value written in a configuration file, already checked against its field's type.
 *
 * @param value the typed value (see {@link ConfigDocument}), or null when written empty
 * @param location where the key was written
 */
public record ConfigEntry(ConfigField field, Object value, SourceLocation location) {
  public ConfigEntry {
    requireNonNull(field, "field is null");
    requireNonNull(location, "location is null");
  }
}
