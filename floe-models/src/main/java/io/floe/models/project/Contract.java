package io.floe.models.project;

import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's contract (dbt's {@code config: {contract: {enforced: true}}}): the SELECT must return
 * exactly the columns its property file declares, with their {@code data_type}s (or, with
 * {@code allow_new_columns: true}, at least them, in any order, with more after them allowed).
 */
public final class Contract {
  // Spellings of one type that Spark writes one way.
  private static final Map<String, String> SYNONYMS = Map.of(
      "integer", "int", "long", "bigint", "short", "smallint", "byte", "tinyint", "text", "string",
      "varchar", "string", "bool", "boolean", "real", "float", "numeric", "decimal");

  private Contract() {}

  /** True when the model's config enforces a contract. */
  public static boolean enforced(Model model) {
    Object contract = model.config().values().get("contract");
    return contract instanceof Map<?, ?> map && "true".equalsIgnoreCase(String.valueOf(map.get("enforced")));
  }

  /**
   * Checks the SELECT's columns against the declared ones.
   *
   * @param selected column name to Spark's type name ({@code bigint}, {@code decimal(10,2)}), in order
   * @throws FloeException (user) listing every difference
   */
  public static void check(Model model, Map<String, String> selected) {
    List<ModelProperties.Column> declared = model.properties().map(ModelProperties::columns).orElse(List.of());
    Map<String, String> remaining = new LinkedHashMap<>(selected);
    List<String> differences = new ArrayList<>();
    for (ModelProperties.Column column : declared) {
      String actual = remaining.remove(column.name());
      if (actual == null) {
        differences.add("column " + column.name() + " is declared but not selected");
      } else if (column.dataType().isEmpty()) {
        differences.add("column " + column.name() + " has no data_type");
      } else if (!normalize(column.dataType().get()).equals(normalize(actual))) {
        differences.add("column " + column.name() + " is " + actual + ", but declared " + column.dataType().get());
      }
    }
    if (!allowsNewColumns(model)) {
      remaining.keySet().forEach(name -> differences.add("column " + name + " is selected but not declared"));
    }
    if (!differences.isEmpty()) {
      throw FloeException.user("Cannot run model %s (%s): its contract is not met: %s.", model.name(), model.path(),
          String.join("; ", differences));
    }
  }

  /**
   * Floe's {@code contract: {enforced: true, allow_new_columns: true}}: the declared columns must be
   * selected with their types, and columns beyond them (a new key of a change source's payload, say)
   * may follow, so schema evolution reaches the model without editing its contract.
   */
  static boolean allowsNewColumns(Model model) {
    Object contract = model.config().values().get("contract");
    return contract instanceof Map<?, ?> map && "true".equalsIgnoreCase(String.valueOf(map.get("allow_new_columns")));
  }

  private static String normalize(String type) {
    String compact = type.toLowerCase(Locale.ROOT).replace(" ", "");
    int paren = compact.indexOf('(');
    String base = paren < 0 ? compact : compact.substring(0, paren);
    return SYNONYMS.getOrDefault(base, base) + (paren < 0 ? "" : compact.substring(paren));
  }
}
