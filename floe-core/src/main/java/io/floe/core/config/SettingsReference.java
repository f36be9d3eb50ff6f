package io.floe.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** Renders setting declarations as reference documentation. */
public final class SettingsReference {
  private SettingsReference() {}

  /** A Markdown table with one row per field: key, type, default and description. */
  public static String markdown(List<ConfigField> fields) {
    StringBuilder table = new StringBuilder()
        .append("| Key | Type | Default | Description |\n")
        .append("|-----|------|---------|-------------|\n");
    for (ConfigField field : fields) {
      table.append("| `").append(field.key()).append("` | ")
          .append(cell(type(field))).append(" | ")
          .append(cell(defaultText(field))).append(" | ")
          .append(cell(description(field))).append(" |\n");
    }
    return table.toString();
  }

  private static String type(ConfigField field) {
    return field.type() == ConfigType.ENUM
        ? String.join(" or ", field.allowedValues())
        : field.type().displayName();
  }

  private static String defaultText(ConfigField field) {
    if (field.required()) {
      return "required";
    }
    Object value = field.defaultValue();
    if (value == null) {
      return "";
    }
    String text = value instanceof List<?> list
        ? list.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"))
        : String.valueOf(value);
    return "`" + text + "`";
  }

  private static String description(ConfigField field) {
    return field.type() == ConfigType.SECRET
        ? field.description() + " Write a `${env:NAME}` or `${file:PATH}` reference."
        : field.description();
  }

  // A '|' inside a cell would end the cell.
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }
}
