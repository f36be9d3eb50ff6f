package io.floe.models.seed;

import io.floe.core.error.FloeException;
import io.floe.spark.sql.SparkIdentifiers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** A seed's rows as one Spark SQL SELECT, with each column's type inferred as dbt infers it. */
final class SeedSql {
  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern TIMESTAMP = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");

  /** A CSV's header and rows, as text. */
  record Csv(List<String> header, List<List<String>> rows) {}

  private SeedSql() {}

  static String select(Csv csv, Map<String, String> declared, String origin) {
    Set<String> seen = new LinkedHashSet<>();
    for (String column : csv.header()) {
      if (column.isEmpty() || !seen.add(column.toLowerCase(Locale.ROOT))) {
        throw FloeException.user("%s:1: Cannot load seed: column names must be present and distinct, but the header"
            + " is %s.", origin, csv.header());
      }
    }
    for (String column : declared.keySet()) {
      if (!seen.contains(column.toLowerCase(Locale.ROOT))) {
        throw FloeException.user("%s: Cannot load seed: column_types names '%s', which the header (%s) does not"
            + " have.", origin, column, csv.header());
      }
    }
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < csv.header().size(); i++) {
      String name = csv.header().get(i);
      String type = declared.getOrDefault(name, inferred(csv.rows(), i));
      columns.add("CAST(c" + i + " AS " + type + ") AS " + SparkIdentifiers.quote(name));
    }
    StringBuilder sql = new StringBuilder("{% raw %}SELECT ").append(String.join(", ", columns)).append(" FROM ");
    List<String> aliases = new ArrayList<>();
    for (int i = 0; i < csv.header().size(); i++) {
      aliases.add("c" + i);
    }
    if (csv.rows().isEmpty()) {
      sql.append("(SELECT ").append(String.join(", ", aliases.stream().map(alias -> "CAST(NULL AS string) AS "
          + alias).toList())).append(") WHERE false");
    } else {
      sql.append("VALUES ");
      for (int r = 0; r < csv.rows().size(); r++) {
        sql.append(r == 0 ? "" : ",\n").append('(');
        List<String> row = csv.rows().get(r);
        for (int i = 0; i < row.size(); i++) {
          sql.append(i == 0 ? "" : ", ").append(literal(row.get(i)));
        }
        sql.append(')');
      }
      sql.append(" AS seed(").append(String.join(", ", aliases)).append(')');
    }
    return sql.append("{% endraw %}").toString();
  }

  // The narrowest of dbt's seed types that every non-NULL value of the column fits.
  static String inferred(List<List<String>> rows, int column) {
    boolean integer = true;
    boolean number = true;
    boolean date = true;
    boolean timestamp = true;
    boolean bool = true;
    boolean any = false;
    for (List<String> row : rows) {
      String value = row.get(column).strip();
      if (isNull(value)) {
        continue;
      }
      any = true;
      integer &= INTEGER.matcher(value).matches() && value.replaceFirst("^[-+]", "").length() < 19;
      number &= NUMBER.matcher(value).matches();
      date &= DATE.matcher(value).matches();
      timestamp &= TIMESTAMP.matcher(value).matches();
      bool &= value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
    }
    if (!any) {
      return "string";
    }
    return integer ? "bigint" : number ? "double" : date ? "date" : timestamp ? "timestamp" : bool ? "boolean"
        : "string";
  }

  private static boolean isNull(String value) {
    return value.isEmpty() || value.equalsIgnoreCase("null");
  }

  private static String literal(String value) {
    if (isNull(value.strip())) {
      return "NULL";
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
