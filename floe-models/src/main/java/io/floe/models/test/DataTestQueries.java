package io.floe.models.test;

import static io.floe.spark.sql.SparkIdentifiers.quote;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQL of each generic test: a query that returns the rows breaking the rule, so a test fails
 * when it returns any and its first rows show what is wrong.
 */
public final class DataTestQueries {
  /**
   * The generic tests Floe ships, by the names a property file uses: dbt's, Floe's (expression,
   * row_count, freshness) and dbt_utils' (also written with their {@code dbt_utils.} prefix).
   */
  public static final List<String> KINDS = List.of("not_null", "unique", "accepted_values", "relationships",
      "expression", "expression_is_true", "row_count", "freshness", "unique_combination_of_columns",
      "accepted_range", "not_null_proportion", "relationships_where", "not_constant", "not_empty_string",
      "at_least_one", "equal_rowcount", "cardinality_equality", "sequential_values", "recency",
      "mutually_exclusive_ranges");

  private static final List<String> DATEPARTS = List.of("MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR",
      "DAY", "WEEK", "MONTH", "QUARTER", "YEAR");
  private static final Pattern REF = Pattern.compile("\\s*ref\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)\\s*");
  private static final Pattern SOURCE = Pattern.compile(
      "\\s*source\\(\\s*['\"]([^'\"]+)['\"]\\s*,\\s*['\"]([^'\"]+)['\"]\\s*\\)\\s*");

  /** Resolves the relation a test's {@code to:} argument names. */
  public interface Relations {
    /** {@code ref('name')}'s table. */
    String ref(String model);

    /** {@code source('source', 'table')}'s table. */
    String source(String source, String table);
  }

  private DataTestQueries() {}

  /**
   * The query that finds the failures of {@code test} in {@code table}.
   *
   * @param model the model the test belongs to, for errors
   * @param refs resolves a model's name (from {@code to: ref('x')}) to the table to read
   * @throws FloeException (user) naming the file and line for an unknown test or a missing argument
   */
  public static String failures(DataTestDefinition test, String model, String table, Function<String, String> refs) {
    return failures(test, model, table, new Relations() {
      @Override
      public String ref(String name) {
        return refs.apply(name);
      }

      @Override
      public String source(String source, String sourceTable) {
        throw FloeException.user("%s: Cannot run test '%s' of model %s: source('%s', '%s') cannot be resolved here.",
            test.where(), test.kind(), model, source, sourceTable);
      }
    });
  }

  /** As above, with {@code to: source('a', 'b')} resolved too. */
  public static String failures(DataTestDefinition test, String model, String table, Relations refs) {
    Optional<String> condition = rowCondition(test, model);
    if (condition.isPresent()) {
      return "SELECT * FROM " + table + " WHERE " + condition.get();
    }
    String column = test.column().map(name -> quote(name)).orElse(null);
    return switch (test.baseKind()) {
      case "unique" -> "SELECT " + requireColumn(test, column) + ", count(*) AS occurrences FROM " + table
          + " WHERE " + column + " IS NOT NULL GROUP BY " + column + " HAVING count(*) > 1";
      case "relationships" -> "SELECT c.* FROM " + table + " c LEFT ANTI JOIN "
          + parent(test, model, refs) + " p ON c." + requireColumn(test, column) + " = p."
          + quote(String.valueOf(require(test, model, "field"))) + " WHERE c." + column + " IS NOT NULL";
      case "unique_combination_of_columns" -> {
        String columns = combination(test, model);
        yield "SELECT " + columns + ", count(*) AS occurrences FROM " + table + " GROUP BY " + columns
            + " HAVING count(*) > 1";
      }
      case "row_count" -> "SELECT row_count FROM (SELECT count(*) AS row_count FROM " + table + ") WHERE "
          + rowCountBounds(test, model);
      case "freshness" -> "SELECT max(" + freshnessField(test, model, column) + ") AS latest FROM " + table
          + " HAVING max(" + freshnessField(test, model, column) + ") IS NULL OR max("
          + freshnessField(test, model, column) + ") < current_timestamp() - " + maxAge(test, model);
      case "not_null_proportion" -> {
        Object atMost = test.arguments().getOrDefault("at_most", 1.0);
        String proportion = "sum(CASE WHEN " + requireColumn(test, column) + " IS NOT NULL THEN 1 ELSE 0 END)"
            + " / CAST(count(*) AS DOUBLE)";
        yield "SELECT * FROM (SELECT " + proportion + " AS not_null_proportion FROM " + table
            + ") WHERE not_null_proportion < " + decimal(test, model, require(test, model, "at_least"))
            + " OR not_null_proportion > " + decimal(test, model, atMost);
      }
      case "relationships_where" -> "SELECT c.* FROM (SELECT * FROM " + table + " WHERE "
          + test.arguments().getOrDefault("from_condition", "1=1") + ") c LEFT ANTI JOIN (SELECT * FROM "
          + parent(test, model, refs) + " WHERE " + test.arguments().getOrDefault("to_condition", "1=1") + ") p ON c."
          + requireColumn(test, column) + " = p." + quote(String.valueOf(require(test, model, "field")))
          + " WHERE c." + column + " IS NOT NULL";
      case "not_constant" -> {
        String groups = groupBy(test);
        yield "SELECT " + (groups.isEmpty() ? "" : groups + ", ") + "count(DISTINCT " + requireColumn(test, column)
            + ") AS filler_column FROM " + table + (groups.isEmpty() ? "" : " GROUP BY " + groups)
            + " HAVING count(DISTINCT " + column + ") = 1";
      }
      case "at_least_one" -> {
        String groups = groupBy(test);
        yield "SELECT * FROM (SELECT " + (groups.isEmpty() ? "" : groups + ", ") + "count("
            + requireColumn(test, column) + ") AS filler_column FROM " + table
            + (groups.isEmpty() ? "" : " GROUP BY " + groups) + ") WHERE filler_column = 0";
      }
      case "equal_rowcount" -> "SELECT * FROM (SELECT count_a, count_b, abs(count_a - count_b) AS diff_count FROM"
          + " (SELECT (SELECT count(*) FROM " + table + ") AS count_a, (SELECT count(*) FROM "
          + relation(test, model, "compare_model", refs) + ") AS count_b)) WHERE diff_count > 0";
      case "cardinality_equality" -> {
        String a = "SELECT " + requireColumn(test, column) + " AS value, count(*) AS num_rows FROM " + table
            + " GROUP BY " + column;
        String field = quote(String.valueOf(require(test, model, "field")));
        String b = "SELECT " + field + " AS value, count(*) AS num_rows FROM " + parent(test, model, refs)
            + " GROUP BY " + field;
        yield "SELECT * FROM ((" + a + " EXCEPT " + b + ") UNION ALL (" + b + " EXCEPT " + a + "))";
      }
      case "sequential_values" -> {
        String groups = groupBy(test);
        Object interval = test.arguments().getOrDefault("interval", 1);
        String previous = quote("previous_" + test.column().orElse(""));
        String expected = test.arguments().get("datepart") == null
            ? previous + " + " + decimal(test, model, interval)
            : "timestampadd(" + datepart(test, model) + ", " + decimal(test, model, interval) + ", " + previous + ")";
        yield "SELECT * FROM (SELECT " + (groups.isEmpty() ? "" : groups + ", ") + requireColumn(test, column)
            + ", lag(" + column + ") OVER (" + (groups.isEmpty() ? "" : "PARTITION BY " + groups + " ") + "ORDER BY "
            + column + ") AS " + previous + " FROM " + table + ") WHERE NOT (" + column + " = " + expected + ")";
      }
      case "mutually_exclusive_ranges" -> {
        // dbt_utils': each range is not empty and ends where the next one (by lower bound) starts,
        // before it (gaps: allowed, the default), at it (not_allowed) or strictly before it (required).
        String lower = String.valueOf(require(test, model, "lower_bound_column"));
        String upper = String.valueOf(require(test, model, "upper_bound_column"));
        Object partition = test.arguments().get("partition_by");
        String over = partition == null ? "" : "PARTITION BY " + partition + " ";
        String gaps = String.valueOf(test.arguments().getOrDefault("gaps", "allowed"));
        String next = switch (gaps) {
          case "allowed" -> "<=";
          case "not_allowed" -> "=";
          case "required" -> "<";
          default -> throw FloeException.user("%s: Cannot run test '%s' of model %s: gaps must be allowed,"
              + " not_allowed or required, but was '%s'.", test.where(), test.kind(), model, gaps);
        };
        String nonEmpty = Boolean.parseBoolean(String.valueOf(test.arguments().get("zero_length_range_allowed")))
            ? "<=" : "<";
        yield "SELECT * FROM (SELECT *, coalesce(lower_bound " + nonEmpty + " upper_bound, false) AS"
            + " lower_bound_less_than_upper_bound, coalesce(upper_bound " + next + " next_lower_bound, is_last_record,"
            + " false) AS upper_bound_fits_next_lower_bound FROM (SELECT " + lower + " AS lower_bound, " + upper
            + " AS upper_bound, lead(" + lower + ") OVER (" + over + "ORDER BY " + lower + ", " + upper
            + ") AS next_lower_bound, row_number() OVER (" + over + "ORDER BY " + lower + " DESC, " + upper
            + " DESC) = 1 AS is_last_record FROM " + table + ")) WHERE NOT (lower_bound_less_than_upper_bound AND"
            + " upper_bound_fits_next_lower_bound)";
      }
      case "recency" -> {
        String field = quote(String.valueOf(require(test, model, "field")));
        String threshold = "timestampadd(" + datepart(test, model) + ", -"
            + number(test, require(test, model, "interval")) + ", current_timestamp())";
        boolean dateOnly = Boolean.parseBoolean(String.valueOf(test.arguments().get("ignore_time_component")));
        String latest = dateOnly ? "CAST(max(" + field + ") AS DATE)" : "max(" + field + ")";
        yield "SELECT max(" + field + ") AS most_recent, " + threshold + " AS threshold FROM " + table
            + " HAVING max(" + field + ") IS NULL OR " + latest + " < "
            + (dateOnly ? "CAST(" + threshold + " AS DATE)" : threshold);
      }
      default -> throw FloeException.user("%s: Cannot run test '%s' of model %s: there is no such test.%s Known"
          + " tests: %s.", test.where(), test.kind(), model, DidYouMean.hint(test.baseKind(), KINDS), KINDS);
    };
  }

  /**
   * What counts a test's failures over its failing rows when its config says nothing: the
   * difference of the counts for equal_rowcount (as dbt_utils sets it), the rows otherwise.
   */
  public static String defaultFailCalc(DataTestDefinition test) {
    return test.baseKind().equals("equal_rowcount") ? "sum(coalesce(diff_count, 0))" : "count(*)";
  }

  /**
   * For a test whose failures are single rows meeting a condition (not_null, accepted_values,
   * expression): that condition, so that several such tests can be counted in one scan; empty for
   * the others.
   */
  public static Optional<String> rowCondition(DataTestDefinition test, String model) {
    String column = test.column().map(name -> quote(name)).orElse(null);
    return switch (test.baseKind()) {
      case "not_null" -> Optional.of(requireColumn(test, column) + " IS NULL");
      case "accepted_values" -> Optional.of(requireColumn(test, column) + " IS NOT NULL AND "
          + (Boolean.FALSE.equals(test.arguments().get("quote")) ? column + " NOT IN (" + rawValues(test, model)
          : "CAST(" + column + " AS STRING) NOT IN (" + values(test, model)) + ")");
      case "expression", "expression_is_true" -> Optional.of(
          (test.arguments().get("condition") == null ? "" : "(" + test.arguments().get("condition") + ") AND ")
          + "NOT (" + (column == null ? "" : column + " ") + require(test, model, "expression") + ")");
      case "accepted_range" -> Optional.of("NOT (" + range(test, model, requireColumn(test, column)) + ")");
      case "not_empty_string" -> Optional.of(
          (Boolean.FALSE.equals(test.arguments().get("trim_whitespace")) ? requireColumn(test, column)
              : "trim(" + requireColumn(test, column) + ")") + " = ''");
      default -> Optional.empty();
    };
  }

  /**
   * One query whose single row counts the failures of each row test (see {@link #rowCondition}), in
   * order, then of the {@code unique} test if given, then the table's rows: the row tests are counted
   * per key and summed, and the keys seen more than once are counted, so that one pass over the table
   * serves them all and its {@code row_count} tests (see {@link #rowCountFails}).
   */
  public static String failureCounts(List<DataTestDefinition> rowTests, Optional<DataTestDefinition> unique,
      String model, String table) {
    List<String> counts = new ArrayList<>();
    for (DataTestDefinition test : rowTests) {
      counts.add("count_if(" + rowCondition(test, model).orElseThrow() + ")");
    }
    if (unique.isEmpty()) {
      counts.add("count(*)");
      return "SELECT " + String.join(", ", counts) + " FROM " + table;
    }
    String key = requireColumn(unique.get(), unique.get().column().map(name -> quote(name)).orElse(null));
    List<String> perKey = new ArrayList<>(List.of(key + " AS __key", "count(*) AS __rows"));
    List<String> totals = new ArrayList<>();
    for (int i = 0; i < counts.size(); i++) {
      perKey.add(counts.get(i) + " AS __failures_" + i);
      totals.add("coalesce(sum(__failures_" + i + "), 0)");
    }
    totals.add("count_if(__key IS NOT NULL AND __rows > 1)");
    totals.add("coalesce(sum(__rows), 0)");
    return "SELECT " + String.join(", ", totals) + " FROM (SELECT " + String.join(", ", perKey) + " FROM " + table
        + " GROUP BY " + key + ")";
  }

  /** Whether a {@code row_count} test fails for a table of {@code rows} rows (the query's rule, in Java). */
  public static boolean rowCountFails(DataTestDefinition test, String model, long rows) {
    rowCountBounds(test, model); // the same checks of min and max
    Object min = test.arguments().get("min");
    Object max = test.arguments().get("max");
    return (min != null && rows < number(test, min)) || (max != null && rows > number(test, max));
  }

  // dbt_utils' accepted_range: min_value and/or max_value, inclusive unless inclusive: false.
  private static String range(DataTestDefinition test, String model, String column) {
    Object min = test.arguments().get("min_value");
    Object max = test.arguments().get("max_value");
    if (min == null && max == null) {
      throw FloeException.user("%s: Cannot run test 'accepted_range' of model %s: give min_value, max_value or both.",
          test.where(), model);
    }
    boolean inclusive = !Boolean.FALSE.equals(test.arguments().get("inclusive"));
    List<String> bounds = new ArrayList<>();
    if (min != null) {
      bounds.add(column + (inclusive ? " >= " : " > ") + min);
    }
    if (max != null) {
      bounds.add(column + (inclusive ? " <= " : " < ") + max);
    }
    return String.join(" AND ", bounds);
  }

  private static String groupBy(DataTestDefinition test) {
    if (!(test.arguments().get("group_by_columns") instanceof List<?> columns)) {
      return "";
    }
    List<String> quoted = new ArrayList<>();
    columns.forEach(column -> quoted.add(quote(String.valueOf(column))));
    return String.join(", ", quoted);
  }

  private static String datepart(DataTestDefinition test, String model) {
    String datepart = String.valueOf(require(test, model, "datepart")).toUpperCase(java.util.Locale.ROOT);
    if (!DATEPARTS.contains(datepart)) {
      throw FloeException.user("%s: Cannot run test '%s' of model %s: datepart must be one of %s, but was '%s'.",
          test.where(), test.kind(), model, DATEPARTS, test.arguments().get("datepart"));
    }
    return datepart;
  }

  private static String decimal(DataTestDefinition test, String model, Object value) {
    try {
      return new java.math.BigDecimal(String.valueOf(value)).toPlainString();
    } catch (NumberFormatException e) {
      throw FloeException.user(e, "%s: Cannot run test '%s' of model %s: expected a number, but was '%s'.",
          test.where(), test.kind(), model, value);
    }
  }

  private static String rawValues(DataTestDefinition test, String model) {
    values(test, model); // the same checks
    List<String> literals = new ArrayList<>();
    ((List<?>) test.arguments().get("values")).forEach(value -> literals.add(String.valueOf(value)));
    return String.join(", ", literals);
  }

  /** A short name for reports: {@code not_null(orders.id)}. */
  public static String name(DataTestDefinition test, String model) {
    return test.kind() + "(" + model + test.column().map(column -> "." + column).orElse("") + ")";
  }

  private static String requireColumn(DataTestDefinition test, String column) {
    if (column == null) {
      throw FloeException.user("%s: Cannot run test '%s': it checks a column; write it under the column's tests.",
          test.where(), test.kind());
    }
    return column;
  }

  private static Object require(DataTestDefinition test, String model, String argument) {
    Object value = test.arguments().get(argument);
    if (value == null) {
      throw FloeException.user("%s: Cannot run test '%s' of model %s: it needs the argument '%s'.", test.where(),
          test.kind(), model, argument);
    }
    return value;
  }

  // dbt_utils' unique_combination_of_columns: combination_of_columns is a non-empty list of names.
  private static String combination(DataTestDefinition test, String model) {
    if (!(require(test, model, "combination_of_columns") instanceof List<?> columns) || columns.isEmpty()) {
      throw FloeException.user("%s: Cannot run test 'unique_combination_of_columns' of model %s: combination_of_columns"
          + " must be a non-empty list of columns.", test.where(), model);
    }
    List<String> quoted = new ArrayList<>();
    for (Object column : columns) {
      quoted.add(quote(String.valueOf(column)));
    }
    return String.join(", ", quoted);
  }

  private static String values(DataTestDefinition test, String model) {
    if (!(require(test, model, "values") instanceof List<?> values) || values.isEmpty()) {
      throw FloeException.user("%s: Cannot run test 'accepted_values' of model %s: values must be a non-empty list.",
          test.where(), model);
    }
    List<String> literals = new ArrayList<>();
    for (Object value : values) {
      literals.add("'" + String.valueOf(value).replace("\\", "\\\\").replace("'", "\\'") + "'");
    }
    return String.join(", ", literals);
  }

  private static String parent(DataTestDefinition test, String model, Relations refs) {
    return relation(test, model, "to", refs);
  }

  // An argument naming a relation: ref('x'), source('a', 'b') or a table's name.
  private static String relation(DataTestDefinition test, String model, String argument, Relations refs) {
    String to = String.valueOf(require(test, model, argument));
    Matcher ref = REF.matcher(to);
    if (ref.matches()) {
      return refs.ref(ref.group(1));
    }
    Matcher source = SOURCE.matcher(to);
    return source.matches() ? refs.source(source.group(1), source.group(2)) : to;
  }

  // dbt's source freshness, as a test: {error_after: {count: 12, period: hour}} (or warn_after, which
  // the severity follows), on the column it stands under or on loaded_at_field.
  private static String freshnessField(DataTestDefinition test, String model, String column) {
    return column != null ? column : quote(String.valueOf(require(test, model, "loaded_at_field")));
  }

  private static String maxAge(DataTestDefinition test, String model) {
    Object after = test.arguments().getOrDefault("error_after", test.arguments().get("warn_after"));
    if (!(after instanceof Map<?, ?> age) || age.get("count") == null || age.get("period") == null) {
      throw FloeException.user("%s: Cannot run test 'freshness' of model %s: it needs error_after (or warn_after):"
          + " {count: 12, period: hour}.", test.where(), model);
    }
    String period = String.valueOf(age.get("period")).toUpperCase(java.util.Locale.ROOT);
    if (!List.of("MINUTE", "HOUR", "DAY").contains(period)) {
      throw FloeException.user("%s: Cannot run test 'freshness' of model %s: period must be minute, hour or day,"
          + " but was '%s'.", test.where(), model, age.get("period"));
    }
    return "INTERVAL " + number(test, age.get("count")) + " " + period;
  }

  private static String rowCountBounds(DataTestDefinition test, String model) {
    Object min = test.arguments().get("min");
    Object max = test.arguments().get("max");
    if (min == null && max == null) {
      throw FloeException.user("%s: Cannot run test 'row_count' of model %s: give min, max or both.", test.where(),
          model);
    }
    List<String> outside = new ArrayList<>();
    if (min != null) {
      outside.add("row_count < " + number(test, min));
    }
    if (max != null) {
      outside.add("row_count > " + number(test, max));
    }
    return String.join(" OR ", outside);
  }

  private static long number(DataTestDefinition test, Object value) {
    try {
      return Long.parseLong(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw FloeException.user(e, "%s: Cannot run test '%s': expected a whole number, but was '%s'.",
          test.where(), test.kind(), value);
    }
  }

}
