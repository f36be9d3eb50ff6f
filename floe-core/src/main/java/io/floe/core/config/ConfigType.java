package io.floe.core.config;

/** The type of a configuration value, which decides how it is read and checked. */
public enum ConfigType {
  STRING("string"),
  /** A string that is never printed: write a {@code ${env:NAME}} or {@code ${file:PATH}} reference. */
  SECRET("secret"),
  INT("integer"),
  BOOLEAN("boolean"),
  /** A string from a fixed list of allowed values. */
  ENUM("enum"),
  STRING_LIST("list of strings"),
  /** A free-form nested mapping kept as plain Java maps, lists and scalars. */
  MAP("mapping");

  private final String displayName;

  ConfigType(String displayName) {
    this.displayName = displayName;
  }

  /** The name used in documentation, e.g. {@code list of strings}. */
  public String displayName() {
    return displayName;
  }
}
