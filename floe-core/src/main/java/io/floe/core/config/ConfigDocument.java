package io.floe.core.config;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checked contents of a configuration file: the entries that were written, by key, with the
 * declared defaults behind them. Values are typed by {@link ConfigType}: STRING, SECRET and ENUM are
 * Strings, INT an Integer, BOOLEAN a Boolean, STRING_LIST a List of Strings and MAP an ordered Map of
 * plain Java values.
 */
public final class ConfigDocument {
  private final Path file;
  private final SourceLocation start;
  private final Map<String, ConfigEntry> entries;

  /**
   * @param start where the document starts, used for keys that are missing altogether
   */
  public ConfigDocument(Path file, SourceLocation start, Map<String, ConfigEntry> entries) {
    this.file = requireNonNull(file, "file is null");
    this.start = requireNonNull(start, "start is null");
    this.entries = Map.copyOf(requireNonNull(entries, "entries is null"));
  }

  public Path file() {
    return file;
  }

  /** Where the document starts: the file's first line, or a named entry's key. */
  public SourceLocation start() {
    return start;
  }

  /** The entry written for the field, if any. */
  public Optional<ConfigEntry> entry(ConfigField field) {
    return Optional.ofNullable(entries.get(field.key()));
  }

  /** Where the field was written, or the file as a whole when it was not. */
  public SourceLocation location(ConfigField field) {
    return entry(field).map(ConfigEntry::location).orElse(SourceLocation.of(file));
  }

  /** The value written for the field, or its default when absent or empty; null if neither. */
  public Object value(ConfigField field) {
    ConfigEntry entry = entries.get(field.key());
    return entry != null && entry.value() != null ? entry.value() : field.defaultValue();
  }

  public String string(ConfigField field) {
    return (String) value(field);
  }

  public int integer(ConfigField field) {
    return (Integer) requireNonNull(value(field), () -> field.key() + " has no value");
  }

  public boolean bool(ConfigField field) {
    return (Boolean) requireNonNull(value(field), () -> field.key() + " has no value");
  }

  @SuppressWarnings("unchecked")
  public List<String> stringList(ConfigField field) {
    Object value = value(field);
    return value == null ? List.of() : (List<String>) value;
  }

  /** The mapping written for a MAP field, or an empty map. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> map(ConfigField field) {
    Object value = value(field);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  /**
   * The value of a required string field.
   *
   * @param example a value to show in the error, as in {@code e.g. name: my_project}
   * @throws FloeException if the key is missing or empty
   */
  public String require(ConfigField field, String example) {
    String value = string(field);
    if (value == null || value.isBlank()) {
      SourceLocation where = entry(field).map(ConfigEntry::location).orElse(start);
      throw FloeException.user("%s: Missing required key '%s'. Add it, e.g. %s: %s",
          where, field.key(), field.key(), example);
    }
    return value;
  }

  /**
   * An error for a value that has the right type but is not acceptable, naming the location, the
   * key and the value seen (never the value of a secret).
   *
   * @param expected what would be accepted, e.g. {@code a positive integer}
   */
  public FloeException invalid(ConfigField field, String expected) {
    Object value = value(field);
    String seen = field.type() == ConfigType.SECRET ? "a secret" : "'" + value + "'";
    return FloeException.user("%s: Invalid value for %s: expected %s, but was %s.",
        location(field), field.key(), expected, seen);
  }
}
