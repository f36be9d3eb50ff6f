package io.floe.models.run;

import static io.floe.spark.sql.SparkIdentifiers.quote;
import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.UnitTestDefinition;
import io.floe.models.project.UnitTestDefinition.Given;
import io.floe.models.project.UnitTestDefinition.Rows;
import io.floe.models.run.TestResult.Status;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs dbt unit tests: the model is rendered with each given input read from a temporary view of
 * the given rows, and what it returns must equal the expected rows on the expected columns (as
 * multisets, so order does not matter). A given input takes its column types from the real input's
 * table when it exists (columns the rows leave out are NULL, as in dbt), else from the values.
 */
final class UnitTestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(UnitTestRunner.class);
  private static final Pattern REF = Pattern.compile("\\s*ref\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)\\s*");
  private static final Pattern SOURCE = Pattern.compile(
      "\\s*source\\(\\s*['\"]([^'\"]+)['\"]\\s*,\\s*['\"]([^'\"]+)['\"]\\s*\\)\\s*");
  private static final AtomicLong VIEWS = new AtomicLong();

  private final FloeEngine engine;
  private final ModelProject project;

  UnitTestRunner(FloeEngine engine, ModelProject project) {
    this.engine = requireNonNull(engine, "engine is null");
    this.project = requireNonNull(project, "project is null");
  }

  /** The result's name: {@code unit_test(orders: keeps_paid_orders)}. */
  static String name(UnitTestDefinition test) {
    return "unit_test(" + test.model() + ": " + test.name() + ")";
  }

  /**
   * Runs one unit test.
   *
   * @param relations where a model's real table is read, for the types of its given rows
   */
  TestResult run(UnitTestDefinition test, Function<Model, String> relations) {
    String name = name(test);
    List<String> views = new ArrayList<>();
    try {
      Model model = project.model(test.model());
      Map<String, String> refs = new HashMap<>();
      Map<String, String> sources = new HashMap<>();
      for (Given given : test.given()) {
        Matcher ref = REF.matcher(given.input());
        Matcher source = SOURCE.matcher(given.input());
        String view;
        if (ref.matches()) {
          view = view(test, given.rows(), Optional.of(relations.apply(project.model(ref.group(1)))), views);
          refs.put(ref.group(1), view);
        } else if (source.matches()) {
          view = view(test, given.rows(), Optional.of(project.sourceRelation(source.group(1), source.group(2))),
              views);
          sources.put(source.group(1) + "." + source.group(2), view);
        } else {
          throw FloeException.user("%s: Cannot run unit test '%s': an input is ref('model') or source('source',"
              + " 'table'), but was '%s'.", test.where(), test.name(), given.input());
        }
      }
      String sql = project.compileWithSources(model, test.incremental(),
          other -> refs.getOrDefault(other.name(), relations.apply(other)),
          (source, table) -> sources.getOrDefault(source + "." + table, project.sourceRelation(source, table)));
      StructType actual = engine.session().sql(sql).schema();
      Rows expect = test.expect();
      List<Map<String, Object>> expectedRows = rows(expect);
      Set<String> columns = new LinkedHashSet<>();
      expectedRows.forEach(row -> columns.addAll(row.keySet()));
      if (expect.format().equals("sql")) {
        columns.addAll(List.of(engine.session().sql(expect.text().orElseThrow()).schema().fieldNames()));
      }
      Map<String, String> types = new LinkedHashMap<>();
      for (String column : columns) {
        StructField field = field(actual, column).orElseThrow(() -> FloeException.user("%s: Cannot run unit test"
            + " '%s': the expected rows have a column '%s' that model %s does not return; it returns %s.",
            test.where(), test.name(), column, test.model(), List.of(actual.fieldNames())));
        types.put(column, field.dataType().sql());
      }
      String expected = expect.format().equals("sql") ? expect.text().orElseThrow()
          : values(test, expectedRows, types);
      String selected = String.join(", ", columns.stream().map(column -> quote(column)).toList());
      String got = "SELECT " + selected + " FROM (" + sql + ")";
      String want = "SELECT " + selected + " FROM (" + expected + ")";
      String diff = "SELECT '+' AS diff, * FROM (" + got + " EXCEPT ALL " + want + ") UNION ALL SELECT '-' AS diff, *"
          + " FROM (" + want + " EXCEPT ALL " + got + ")";
      QueryResult differences = engine.sql(diff, DataTestRunner.SAMPLE_ROWS);
      long count = ((Number) engine.sql("SELECT count(*) FROM (" + diff + ")", 1).rows().get(0).get(0)).longValue();
      if (count == 0) {
        return new TestResult(name, test.model(), Severity.ERROR, Status.PASS, 0, List.of(), "");
      }
      LOG.info("Unit test {} found {} differing rows", name, count);
      List<String> sample = new ArrayList<>();
      for (List<Object> row : differences.rows()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i < row.size(); i++) {
          cells.add(differences.columns().get(i) + "=" + row.get(i));
        }
        sample.add(("+".equals(row.get(0)) ? "unexpected: " : "missing: ") + String.join(", ", cells));
      }
      return new TestResult(name, test.model(), Severity.ERROR, Status.FAIL, count, sample, "");
    } catch (FloeException e) {
      LOG.debug("Unit test {} could not run", name, e);
      return new TestResult(name, test.model(), Severity.ERROR, Status.ERROR, 0, List.of(), e.getMessage());
    } finally {
      views.forEach(view -> engine.session().catalog().dropTempView(view));
    }
  }

  // A temporary view of given rows, typed like the real input when it can be read.
  private String view(UnitTestDefinition test, Rows rows, Optional<String> real, List<String> views) {
    String view = "__floe_unit_" + VIEWS.incrementAndGet();
    String sql;
    if (rows.format().equals("sql")) {
      sql = rows.text().orElseThrow();
    } else {
      Map<String, String> types = new LinkedHashMap<>();
      realSchema(real).ifPresent(schema -> {
        for (StructField field : schema.fields()) {
          types.put(field.name(), field.dataType().sql());
        }
      });
      List<Map<String, Object>> given = rows(rows);
      if (types.isEmpty()) {
        given.forEach(row -> row.keySet().forEach(column -> types.putIfAbsent(column, null)));
      }
      sql = values(test, given, types);
    }
    engine.session().sql(sql).createOrReplaceTempView(view);
    views.add(view);
    return view;
  }

  private Optional<StructType> realSchema(Optional<String> relation) {
    if (relation.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(engine.session().table(relation.get()).schema());
    } catch (RuntimeException e) {
      // No table yet (a model never built): the given values decide the types, as in dbt.
      LOG.debug("Unit test input {} has no table; its types are inferred", relation.get(), e);
      return Optional.empty();
    }
  }

  // The rows of a dict or csv; a csv is parsed by Spark, its values strings to be cast.
  private List<Map<String, Object>> rows(Rows rows) {
    if (!rows.format().equals("csv")) {
      return rows.dict();
    }
    List<String> lines = rows.text().orElse("").lines().filter(line -> !line.isBlank()).toList();
    Dataset<String> text = engine.session().createDataset(lines, Encoders.STRING());
    Dataset<Row> parsed = engine.session().read().option("header", "true").csv(text);
    List<Map<String, Object>> result = new ArrayList<>();
    String[] columns = parsed.columns();
    for (Row row : parsed.collectAsList()) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (int i = 0; i < columns.length; i++) {
        values.put(columns[i], row.isNullAt(i) ? null : row.getString(i));
      }
      result.add(values);
    }
    return result;
  }

  /**
   * A SELECT of the rows: each column cast to its type when known (a value the rows leave out is
   * NULL), else typed by its values.
   */
  private static String values(UnitTestDefinition test, List<Map<String, Object>> rows, Map<String, String> types) {
    if (types.isEmpty()) {
      throw FloeException.user("%s: Cannot run unit test '%s': an input with no rows needs a table to take its"
          + " columns from; give at least one row.", test.where(), test.name());
    }
    List<String> columns = new ArrayList<>(types.keySet());
    List<String> select = new ArrayList<>();
    for (String column : columns) {
      String type = types.get(column);
      select.add(type == null ? quote(column) : "CAST(" + quote(column) + " AS " + type + ") AS " + quote(column));
    }
    if (rows.isEmpty()) {
      List<String> nulls = new ArrayList<>();
      columns.forEach(column -> nulls.add("CAST(NULL AS " + types.get(column) + ") AS " + quote(column)));
      return "SELECT " + String.join(", ", nulls) + " WHERE false";
    }
    List<String> tuples = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      for (String given : row.keySet()) {
        if (!types.containsKey(given)) {
          throw FloeException.user("%s: Cannot run unit test '%s': a row has a column '%s' that its input does not"
              + " have; the input has %s.", test.where(), test.name(), given, columns);
        }
      }
      List<String> cells = new ArrayList<>();
      for (String column : columns) {
        Object value = row.get(column);
        cells.add(types.get(column) == null ? literal(value) : typed(value));
      }
      tuples.add("(" + String.join(", ", cells) + ")");
    }
    List<String> names = columns.stream().map(column -> quote(column)).toList();
    return "SELECT " + String.join(", ", select) + " FROM VALUES " + String.join(", ", tuples) + " AS given("
        + String.join(", ", names) + ")";
  }

  // A value to be cast to a known type: its text (NULL as a typed NULL so the VALUES column has a type).
  private static String typed(Object value) {
    return value == null ? "CAST(NULL AS STRING)" : SqlLiterals.of(value.toString(), "a given value");
  }

  private static String literal(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return value.toString();
    }
    if (value instanceof Double || value instanceof Float) {
      return "CAST('" + value + "' AS DOUBLE)";
    }
    return value == null ? "NULL" : SqlLiterals.of(value, "a given value");
  }

  private static Optional<StructField> field(StructType schema, String column) {
    for (StructField field : schema.fields()) {
      if (field.name().equalsIgnoreCase(column)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }
}
