package io.floe.core.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One configuration setting: its dotted key (e.g. {@code catalog.uri}), type, default and
 * description. Settings are declared once, in {@link FloeSettings}; reading, checking and the
 * reference documentation all come from these declarations.
 *
 * @param defaultValue the value used when the key is absent, or null for none; a String for STRING,
 *     SECRET and ENUM, an Integer for INT, a Boolean for BOOLEAN, a List of String for STRING_LIST, a
 *     Map for MAP
 * @param allowedValues the allowed values of an ENUM, empty for every other type
 * @param required whether the key must be present (a required field has no default)
 */
public record ConfigField(
    String key,
    ConfigType type,
    Object defaultValue,
    String description,
    List<String> allowedValues,
    boolean required) {
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*");

  public ConfigField {
    requireNonNull(key, "key is null");
    requireNonNull(type, "type is null");
    requireNonNull(description, "description is null");
    requireNonNull(allowedValues, "allowedValues is null");
    allowedValues = List.copyOf(allowedValues);
    check(KEY.matcher(key).matches(), key, "the key must be lower-case words joined by '.'");
    check(!description.isBlank(), key, "the description is empty");
    check(type == ConfigType.ENUM != allowedValues.isEmpty(), key,
        "allowed values are needed for an enum, and only for an enum");
    check(!required || defaultValue == null, key, "a required field cannot have a default");
    check(defaultValue == null || expectedClass(type).isInstance(defaultValue), key,
        "the default does not match the type " + type);
    check(type != ConfigType.ENUM || defaultValue == null || allowedValues.contains(defaultValue), key,
        "the default is not one of the allowed values");
    if (defaultValue instanceof List<?> list) {
      defaultValue = List.copyOf(list);
    } else if (defaultValue instanceof Map<?, ?> map) {
      defaultValue = Map.copyOf(map);
    }
  }

  /** The leaf name: {@code uri} for {@code catalog.uri}. */
  public String name() {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  /** The section the key belongs to: {@code catalog} for {@code catalog.uri}, empty at the top. */
  public String section() {
    int dot = key.lastIndexOf('.');
    return dot < 0 ? "" : key.substring(0, dot);
  }

  private static Class<?> expectedClass(ConfigType type) {
    return switch (type) {
      case STRING, SECRET, ENUM -> String.class;
      case INT -> Integer.class;
      case BOOLEAN -> Boolean.class;
      case STRING_LIST -> List.class;
      case MAP -> Map.class;
    };
  }

  private static void check(boolean ok, String key, String reason) {
    if (!ok) {
      throw new IllegalArgumentException("Invalid config field " + key + ": " + reason);
    }
  }
}
