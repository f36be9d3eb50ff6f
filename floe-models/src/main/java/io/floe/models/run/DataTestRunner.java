package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.ModelProperties;
import io.floe.models.project.SingularTest;
import io.floe.models.project.SourceTable;
import io.floe.models.project.UnitTestDefinition;
import io.floe.models.run.TestResult.Status;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.models.test.DataTestQueries;
import io.floe.models.test.TestConfig;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.WrittenBounds;
import io.floe.spark.sql.QueryResult;
import io.floe.spark.sql.SparkIdentifiers;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the data tests of the selected models (from their property files) and the singular tests
 * that read any of them. Each test is a query for offending rows: none is a pass; some are a
 * failure at error severity, a warning at warn.
 */
public final class DataTestRunner {
  private static final Logger LOG = LoggerFactory.getLogger(DataTestRunner.class);
  /** Offending rows shown per failing test. */
  public static final int SAMPLE_ROWS = 5;
  // Spark runs concurrent jobs side by side: while one waits on planning or a commit, another computes.
  private static final int CONCURRENT_QUERIES = 3;

  private final FloeEngine engine;
  private final ModelProject project;
  private final boolean warningRows;

  /** A runner that reads the offending rows of failing tests only; warnings report their count. */
  public DataTestRunner(FloeEngine engine, ModelProject project) {
    this(engine, project, false);
  }

  /**
   * @param warningRows whether warnings, too, show their offending rows: one more query each, a full
   *     aggregation for {@code unique} (dbt reports only the count of a warning)
   */
  public DataTestRunner(FloeEngine engine, ModelProject project, boolean warningRows) {
    this.engine = requireNonNull(engine, "engine is null");
    this.project = requireNonNull(project, "project is null");
    this.warningRows = warningRows;
  }

  /**
   * Runs the tests. The row tests of a model (not_null, accepted_values, expression) are counted
   * together in one scan of its table; a failing one then reads its first offending rows. The
   * scans of different models, and the other tests, run concurrently.
   *
   * @param relations where each model's rows are read (its branch during a run, main otherwise)
   * @return the results in the order of the models and of their property files, singular tests last
   */
  public List<TestResult> run(Set<String> selected, Function<Model, String> relations) {
    return run(selected, relations, Map.of());
  }

  /**
   * Runs the tests as above; a model with a view in {@code writtenRows} (an incremental model, the
   * rows its run added or changed) has its row tests (not_null, accepted_values, expression) and
   * relationships checked on those rows only, and its unique tests on the keys those rows hold;
   * row_count and the other tests still read the whole table.
   */
  public List<TestResult> run(Set<String> selected, Function<Model, String> relations,
      Map<String, String> writtenRows) {
    List<Callable<List<TestResult>>> tasks = new ArrayList<>();
    // Sorted: the same selection lists its tests in the same order on every run.
    for (String name : new java.util.TreeSet<>(selected)) {
      Model model = project.models().get(name);
      if (model != null) {
        tasks.addAll(modelTasks(model, relations, Optional.ofNullable(writtenRows.get(name))
            .map(view -> new WrittenRows(view, Optional.empty()))));
      }
    }
    tasks.addAll(otherTasks(selected, relations));
    return runAll(tasks);
  }

  /**
   * Starts tests while a run's later models still run: each model's tests as soon as it is
   * written ({@link Started#model}), the source, unit and singular tests at the end
   * ({@link Started#finish}). {@code relations} must wait for a model of the run that has not
   * finished yet, since a test may read another model (relationships, a generic test's SQL).
   */
  public Started start(Function<Model, String> relations) {
    return new Started(relations);
  }

  /** Tests under way in a run; {@link #close()} stops those still running. */
  public final class Started implements AutoCloseable {
    private final ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_QUERIES);
    private final Function<Model, String> relations;
    // Each model's tests: planned in the pool (finding its written rows may run a query), then submitted.
    private final Map<String, Future<List<Future<List<TestResult>>>>> byModel =
        new java.util.concurrent.ConcurrentSkipListMap<>();

    private Started(Function<Model, String> relations) {
      this.relations = requireNonNull(relations, "relations is null");
    }

    /**
     * Starts the tests of {@code name}, written by the run; {@code writtenRows} gives, when called
     * in the tests' pool, the view of the rows it wrote (see {@link DataTestRunner#run(Set, Function, Map)}).
     */
    public void model(String name, java.util.function.Supplier<Optional<WrittenRows>> writtenRows) {
      Model model = project.models().get(name);
      if (model == null) {
        return;
      }
      byModel.put(name, pool.submit(() -> {
        SparkSession.setActiveSession(engine.session());
        List<Future<List<TestResult>>> futures = new ArrayList<>();
        for (Callable<List<TestResult>> task : modelTasks(model, relations, writtenRows.get())) {
          futures.add(submit(pool, task));
        }
        return futures;
      }));
    }

    /**
     * Runs the source, unit and singular tests of {@code selected} (the models the run wrote) and
     * waits for every test; the results in the order {@link DataTestRunner#run} gives them.
     */
    public List<TestResult> finish(Set<String> selected) {
      List<Future<List<TestResult>>> others = new ArrayList<>();
      for (Callable<List<TestResult>> task : otherTasks(selected, relations)) {
        others.add(submit(pool, task));
      }
      List<TestResult> results = new ArrayList<>();
      for (Future<List<Future<List<TestResult>>>> planned : new java.util.TreeMap<>(byModel).values()) {
        for (Future<List<TestResult>> future : await(planned)) {
          results.addAll(await(future));
        }
      }
      for (Future<List<TestResult>> future : others) {
        results.addAll(await(future));
      }
      return results;
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }

  /**
   * The rows a run wrote to a model, which its tests check instead of the whole table.
   *
   * @param view a session view of the rows
   * @param bounds the column bounds of the files holding them, when the write added files of their own
   * @param filesByName whether the view reads the files the write added, by name (not an Iceberg read of a
   *     table the tests read too): its unique and relationships tests are then counted in the same query as
   *     its row tests (see checkWrittenInOnePass)
   */
  public record WrittenRows(String view, Optional<WrittenBounds> bounds, boolean filesByName) {
    public WrittenRows {
      requireNonNull(view, "view is null");
      requireNonNull(bounds, "bounds is null");
    }

    /** Rows of a view of unknown make: each test that does not look at rows one by one runs alone. */
    public WrittenRows(String view, Optional<WrittenBounds> bounds) {
      this(view, bounds, false);
    }
  }

  // A model's tests; writtenRows are the rows an incremental run wrote, if any.
  private List<Callable<List<TestResult>>> modelTasks(Model model, Function<Model, String> relations,
      Optional<WrittenRows> writtenRows) {
    List<Callable<List<TestResult>>> tasks = new ArrayList<>();
    List<DataTestDefinition> tests = model.properties().map(ModelProperties::tests).orElse(List.of());
    String table = relations.apply(model);
    if (writtenRows.isPresent()) {
      String written = writtenRows.get().view();
      Optional<WrittenBounds> bounds = writtenRows.get().bounds();
      // The row tests are counted together in one scan of the written rows, as of a table below, and in the
      // same query each unique and relationships test over what it reads (see scope) when the rows are the
      // files the write added: Spark 4.1 gave a wrong count for a unique test over a view's new rows (an
      // incremental read of its source) put in one query with others, reading the source's whole table with
      // the incremental read's options (AppendedViewTestsTest, as a scalar subquery).
      List<DataTestDefinition> rowTests = new ArrayList<>();
      List<DataTestDefinition> scoped = new ArrayList<>();
      for (DataTestDefinition test : tests) {
        if (isPlain(test) && isRowTest(test, model)) {
          rowTests.add(test);
        } else if (writtenRows.get().filesByName() && isPlain(test) && readsItsOwnScope(test)) {
          scoped.add(test);
        } else {
          tasks.add(() -> List.of(isPlain(test) ? check(test, model, scope(test, model, table, written, bounds),
              relations)
              : checkConfigured(test, model.name(), model.name(), table, relations)));
        }
      }
      if (!rowTests.isEmpty() || !scoped.isEmpty()) {
        tasks.add(() -> checkWrittenInOnePass(rowTests, scoped, model, table, writtenRows.get(), relations));
      }
      return tasks;
    }
    List<DataTestDefinition> rowTests = new ArrayList<>();
    DataTestDefinition unique = null;
    List<DataTestDefinition> rowCounts = new ArrayList<>();
    for (DataTestDefinition test : tests) {
      if (!isPlain(test)) {
        tasks.add(() -> List.of(checkConfigured(test, model.name(), model.name(), table, relations)));
      } else if (isRowTest(test, model)) {
        rowTests.add(test);
      } else if (unique == null && test.baseKind().equals("unique") && test.column().isPresent()) {
        unique = test; // counted in the same pass as the row tests, grouped by its column
      } else if (test.baseKind().equals("row_count") && isValidRowCount(test, model)) {
        rowCounts.add(test); // the same pass counts the rows
      } else {
        tasks.add(() -> List.of(check(test, model, table, relations)));
      }
    }
    if (!rowTests.isEmpty() || unique != null || !rowCounts.isEmpty()) {
      Optional<DataTestDefinition> byKey = Optional.ofNullable(unique);
      tasks.add(() -> checkInOnePass(rowTests, byKey, rowCounts, model, table, relations));
    }
    return tasks;
  }

  /**
   * The queries the plain tests of {@code model} run when they pass, as a run over its whole table makes
   * them and as an incremental run does over the rows it wrote ({@code writtenRows}, a relation of the
   * table's columns): what a warm-up has Spark plan ({@link QueryWarmUp}). Tests with configs or of the
   * project's own generic tests are left out.
   */
  List<String> passingQueries(Model model, Function<Model, String> relations, String writtenRows) {
    List<String> queries = new ArrayList<>();
    String table = relations.apply(model);
    List<DataTestDefinition> rowTests = new ArrayList<>();
    Optional<DataTestDefinition> unique = Optional.empty();
    List<DataTestDefinition> scoped = new ArrayList<>();
    List<String> scopes = new ArrayList<>();
    try {
      for (DataTestDefinition test : model.properties().map(ModelProperties::tests).orElse(List.of())) {
        if (!isPlain(test)) {
          continue;
        }
        boolean keyed = test.baseKind().equals("unique") && test.column().isPresent();
        if (isRowTest(test, model)) {
          rowTests.add(test);
        } else if (keyed && unique.isEmpty()) {
          unique = Optional.of(test);
        } else if (!test.baseKind().equals("row_count")) {
          queries.add("SELECT count(*) FROM (" + DataTestQueries.failures(test, model.name(), table,
              relationsOf(relations)) + ")");
        }
        if (readsItsOwnScope(test)) {
          // As scope gives it, without the written keys' range (finding it may run a query).
          scoped.add(test);
          scopes.add(keyed ? withWrittenKeys(table, test.column().get(), "", writtenRows) : writtenRows);
        }
      }
      if (!rowTests.isEmpty() || unique.isPresent()) {
        queries.add(DataTestQueries.failureCounts(rowTests, unique, model.name(), table));
      }
      if (!rowTests.isEmpty() || !scoped.isEmpty()) {
        queries.add(writtenPassQuery(rowTests, scoped, scopes, model, writtenRows, relations));
      }
    } catch (FloeException e) {
      LOG.debug("Model {}: its tests have no queries to plan: {}", model.name(), e.getMessage());
    }
    return queries;
  }

  // The tests that are no one model's: sources', unit and singular tests.
  private List<Callable<List<TestResult>>> otherTasks(Set<String> selected, Function<Model, String> relations) {
    List<Callable<List<TestResult>>> tasks = new ArrayList<>();
    // A source's tests and freshness run with the models that read it: what they check is those models' input.
    for (SourceTable source : project.declarations().sourceTables()) {
      boolean read = selected.stream().map(project.models()::get)
          .anyMatch(model -> model != null && model.sources().contains(source.key()));
      if (read) {
        String label = "source " + source.key();
        for (DataTestDefinition test : source.tests()) {
          tasks.add(() -> List.of(checkConfigured(test, label, source.key(), source.relation(), relations)));
        }
        source.freshness().ifPresent(freshness -> tasks.add(() -> List.of(fresh(source, freshness))));
      }
    }
    // Unit tests of the selected models (dbt runs them with the models' tests, before building in a build).
    UnitTestRunner unitTests = new UnitTestRunner(engine, project);
    for (UnitTestDefinition test : project.declarations().unitTests()) {
      if (selected.contains(test.model())) {
        tasks.add(() -> List.of(unitTests.run(test, relations)));
      }
    }
    for (SingularTest test : project.singularTests()) {
      if (test.refs().stream().anyMatch(selected::contains)) {
        tasks.add(() -> List.of(check(test.name(), String.join(",", test.refs()), test.severity(),
            project.compile(test, relations))));
      }
    }
    return tasks;
  }

  // What a test of an incremental model reads: the written rows where the test looks at rows one by
  // one, the table's rows with the written keys for unique, the whole table otherwise.
  private String scope(DataTestDefinition test, Model model, String table, String written,
      Optional<WrittenBounds> bounds) {
    if (test.baseKind().equals("relationships") || isRowTest(test, model)) {
      return written;
    }
    if (test.baseKind().equals("unique") && test.column().isPresent()) {
      return withWrittenKeys(table, test.column().get(), writtenKeysRange(test.column().get(), written, bounds, model),
          written);
    }
    return table;
  }

  // The rows of table whose key a written row holds, within range (a condition ending in AND, or nothing).
  private static String withWrittenKeys(String table, String key, String range, String written) {
    String column = SparkIdentifiers.quote(key);
    return "(SELECT * FROM " + table + " WHERE " + range + column + " IN (SELECT " + column + " FROM " + written
        + "))";
  }

  // Tests over what scope gives them rather than the written rows alone: unique of a column, relationships.
  private static boolean readsItsOwnScope(DataTestDefinition test) {
    return test.baseKind().equals("relationships") || test.baseKind().equals("unique") && test.column().isPresent();
  }

  /**
   * The range of the written keys as a condition ({@code key >= min AND key <= max AND }), or nothing
   * when the keys have no such range. The scan of the table takes it: Iceberg skips the files whose
   * column bounds lie outside it, and the rows read are those of the files where the written keys can
   * be, not the whole table's (keys that grow, as ids and times do, leave out every older file).
   */
  private String writtenKeysRange(String name, String written, Optional<WrittenBounds> bounds, Model model) {
    String column = SparkIdentifiers.quote(name);
    // The bounds Iceberg keeps for the written files, when it keeps them for the column; else a query.
    Optional<List<Object>> known = bounds.flatMap(files -> files.range(name));
    List<Object> range;
    if (known.isPresent()) {
      range = known.get();
    } else {
      try {
        range = engine.query("SELECT min(" + column + "), max(" + column + ") FROM " + written, 1,
            "the range of the keys model " + model.name() + " wrote").rows().get(0);
      } catch (FloeException e) {
        // The test reads the same rows and reports what fails there.
        LOG.debug("Model {}: no range of its written keys", model.name(), e);
        return "";
      }
    }
    Object min = range.get(0);
    Object max = range.get(1);
    if (min == null || max == null || !ranged(min) || !ranged(max)) {
      return "";
    }
    String what = "the written keys of " + model.name();
    return column + " >= " + SqlLiterals.of(min, what) + " AND " + column + " <= " + SqlLiterals.of(max, what)
        + " AND ";
  }

  // Types whose literal compares as the column does: not floating point (NaN), not booleans.
  private static boolean ranged(Object value) {
    return value instanceof String || value instanceof Long || value instanceof Integer
        || value instanceof java.math.BigDecimal || value instanceof java.time.LocalDate
        || value instanceof java.time.Instant || value instanceof java.time.LocalDateTime;
  }

  private List<TestResult> runAll(List<Callable<List<TestResult>>> tasks) {
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_QUERIES);
    try {
      List<Future<List<TestResult>>> futures = new ArrayList<>();
      for (Callable<List<TestResult>> task : tasks) {
        futures.add(submit(pool, task));
      }
      List<TestResult> results = new ArrayList<>();
      for (Future<List<TestResult>> future : futures) {
        results.addAll(await(future));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // Runs a test task in the pool, its results taking the time it took once it started (not its wait in the
  // pool's queue).
  private Future<List<TestResult>> submit(ExecutorService pool, Callable<List<TestResult>> task) {
    return pool.submit(() -> {
      SparkSession.setActiveSession(engine.session());
      long start = System.nanoTime();
      List<TestResult> results = task.call();
      long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      return results.stream().map(result -> result.withMillis(millis)).toList();
    });
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.internal(e, "Interrupted while running the data tests");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw FloeException.internal(e.getCause(), "Cannot run the data tests: %s", e.getCause().getMessage());
    }
  }

  private static boolean isRowTest(DataTestDefinition test, Model model) {
    try {
      return DataTestQueries.rowCondition(test, model.name()).isPresent();
    } catch (FloeException e) {
      return false; // a bad definition: run alone, where its error is reported against it
    }
  }

  private static boolean isValidRowCount(DataTestDefinition test, Model model) {
    try {
      DataTestQueries.rowCountFails(test, model.name(), 0);
      return true;
    } catch (FloeException e) {
      return false; // a bad definition: run alone, where its error is reported against it
    }
  }

  // One pass counts the failures of every row test and, grouped by its column, of one unique test,
  // and the rows for the row_count tests; only the failing ones are read again for their rows.
  private List<TestResult> checkInOnePass(List<DataTestDefinition> rowTests, Optional<DataTestDefinition> unique,
      List<DataTestDefinition> rowCounts, Model model, String table, Function<Model, String> relations) {
    List<DataTestDefinition> tests = new ArrayList<>(rowTests);
    unique.ifPresent(tests::add);
    if (tests.size() + rowCounts.size() == 1) {
      return List.of(check(tests.isEmpty() ? rowCounts.get(0) : tests.get(0), model, table, relations));
    }
    String sql = DataTestQueries.failureCounts(rowTests, unique, model.name(), table);
    describeJobs("tests of " + model.name());
    QueryResult result;
    try {
      result = engine.query(sql, 1, "tests of " + model.name());
    } catch (FloeException e) {
      // One bad expression fails the whole pass: run each alone, so the error lands on its test.
      LOG.debug("Tests of {} could not run together; running each alone", model.name(), e);
      List<DataTestDefinition> all = new ArrayList<>(tests);
      all.addAll(rowCounts);
      return all.stream().map(test -> check(test, model, table, relations)).toList();
    }
    List<Object> counts = result.rows().get(0);
    List<TestResult> results = new ArrayList<>();
    for (int i = 0; i < tests.size(); i++) {
      DataTestDefinition test = tests.get(i);
      long failures = ((Number) counts.get(i)).longValue();
      results.add(failures == 0 ? passed(test, model)
          : check(test, model, table, relations, OptionalLong.of(failures)));
    }
    long rows = ((Number) counts.get(tests.size())).longValue();
    for (DataTestDefinition test : rowCounts) {
      if (!DataTestQueries.rowCountFails(test, model.name(), rows)) {
        results.add(passed(test, model));
      } else {
        String name = DataTestQueries.name(test, model.name());
        LOG.info("Test {} found {} rows", name, rows);
        results.add(new TestResult(name, model.name(), test.severity(), failing(test.severity()), 1,
            List.of("row_count=" + rows), ""));
      }
    }
    return results;
  }

  /**
   * The tests of the rows a run wrote in one query: the row tests counted over those rows, and each unique
   * and relationships test counted over what it reads (see {@link #scope}), each count a one-row derived
   * table, cross-joined, so that Spark plans one query for them where it planned one for each (a run plans
   * these every time: their SQL names the run's rows). Only the failing ones are read again for their rows.
   * Results: the unique and relationships tests, then the row tests, each in the order of the model's
   * properties.
   */
  private List<TestResult> checkWrittenInOnePass(List<DataTestDefinition> rowTests, List<DataTestDefinition> scoped,
      Model model, String table, WrittenRows writtenRows, Function<Model, String> relations) {
    String written = writtenRows.view();
    if (scoped.isEmpty()) {
      return checkInOnePass(rowTests, Optional.empty(), List.of(), model, written, relations);
    }
    List<String> scopes = new ArrayList<>();
    for (DataTestDefinition test : scoped) {
      scopes.add(scope(test, model, table, written, writtenRows.bounds()));
    }
    if (rowTests.isEmpty() && scoped.size() == 1) {
      return List.of(check(scoped.get(0), model, scopes.get(0), relations));
    }
    String sql;
    try {
      sql = writtenPassQuery(rowTests, scoped, scopes, model, written, relations);
    } catch (FloeException e) {
      // A test without its column or argument: each alone, so the error lands on its test.
      return eachAlone(rowTests, scoped, scopes, model, written, relations);
    }
    describeJobs("tests of " + model.name());
    List<Object> counted;
    try {
      counted = engine.query(sql, 1, "tests of " + model.name()).rows().get(0);
    } catch (FloeException e) {
      // One bad expression fails the whole pass: run each alone, so the error lands on its test.
      LOG.debug("Tests of {} could not run together; running each alone", model.name(), e);
      return eachAlone(rowTests, scoped, scopes, model, written, relations);
    }
    List<TestResult> results = new ArrayList<>();
    for (int i = 0; i < scoped.size(); i++) {
      long failures = ((Number) counted.get(i)).longValue();
      results.add(failures == 0 ? passed(scoped.get(i), model)
          : check(scoped.get(i), model, scopes.get(i), relations, OptionalLong.of(failures)));
    }
    for (int i = 0; i < rowTests.size(); i++) {
      long failures = ((Number) counted.get(scoped.size() + i)).longValue();
      results.add(failures == 0 ? passed(rowTests.get(i), model)
          : check(rowTests.get(i), model, written, relations, OptionalLong.of(failures)));
    }
    return results;
  }

  // The query of checkWrittenInOnePass: a count of failures for each scoped test, then for each row test.
  private String writtenPassQuery(List<DataTestDefinition> rowTests, List<DataTestDefinition> scoped,
      List<String> scopes, Model model, String written, Function<Model, String> relations) {
    List<String> counts = new ArrayList<>();
    for (int i = 0; i < scoped.size(); i++) {
      counts.add("(SELECT count(*) AS __scoped_" + i + " FROM (" + DataTestQueries.failures(scoped.get(i),
          model.name(), scopes.get(i), relationsOf(relations)) + ")) s" + i);
    }
    if (!rowTests.isEmpty()) {
      counts.add("(" + DataTestQueries.failureCounts(rowTests, Optional.empty(), model.name(), written) + ") r");
    }
    return "SELECT * FROM " + String.join(" CROSS JOIN ", counts);
  }

  private List<TestResult> eachAlone(List<DataTestDefinition> rowTests, List<DataTestDefinition> scoped,
      List<String> scopes, Model model, String written, Function<Model, String> relations) {
    List<TestResult> results = new ArrayList<>();
    for (int i = 0; i < scoped.size(); i++) {
      results.add(check(scoped.get(i), model, scopes.get(i), relations));
    }
    for (DataTestDefinition test : rowTests) {
      results.add(check(test, model, written, relations));
    }
    return results;
  }

  private static TestResult passed(DataTestDefinition test, Model model) {
    return new TestResult(DataTestQueries.name(test, model.name()), model.name(), test.severity(), Status.PASS, 0,
        List.of(), "");
  }

  private TestResult check(DataTestDefinition test, Model model, String table, Function<Model, String> relations) {
    return check(test, model, table, relations, OptionalLong.empty());
  }

  // With failures already counted (by the one pass), only the first offending rows are read.
  private TestResult check(DataTestDefinition test, Model model, String table, Function<Model, String> relations,
      OptionalLong counted) {
    String name = DataTestQueries.name(test, model.name());
    try {
      String sql = DataTestQueries.failures(test, model.name(), table, relationsOf(relations));
      return counted.isPresent() ? failed(name, model.name(), test.severity(), sql, counted.getAsLong())
          : check(name, model.name(), test.severity(), sql);
    } catch (FloeException e) {
      LOG.debug("Test {} could not run", name, e);
      return new TestResult(name, model.name(), test.severity(), Status.ERROR, 0, List.of(), e.getMessage());
    }
  }

  private TestResult check(String name, String model, Severity severity, String sql) {
    describeJobs("test " + name);
    try {
      QueryResult count = engine.query("SELECT count(*) FROM (" + sql + ")", 1, "test " + name);
      long failures = ((Number) count.rows().get(0).get(0)).longValue();
      return failures == 0
          ? new TestResult(name, model, severity, Status.PASS, 0, List.of(), "")
          : failed(name, model, severity, sql, failures);
    } catch (FloeException e) {
      LOG.debug("Test {} could not run", name, e);
      return new TestResult(name, model, severity, Status.ERROR, 0, List.of(), e.getMessage());
    }
  }

  // What the Spark UI and event log show for this thread's jobs: which test they belong to.
  private void describeJobs(String description) {
    engine.session().sparkContext().setJobDescription(description);
  }

  private TestResult failed(String name, String model, Severity severity, String sql, long failures) {
    LOG.info("Test {} found {} offending rows", name, failures);
    List<String> rows = severity == Severity.ERROR || warningRows ? sample(name, sql) : List.of();
    return new TestResult(name, model, severity, failing(severity), failures, rows, "");
  }

  // A test that the one pass cannot count: a project's own generic test, or one with configs that
  // change what is read or counted (where, limit, fail_calc, warn_if, error_if, store_failures).
  private boolean isPlain(DataTestDefinition test) {
    TestConfig config = test.config();
    return !project.genericTests().contains(test.baseKind()) && config.where().isEmpty() && config.limit().isEmpty()
        && config.failCalc().equals("count(*)") && config.warnIf().equals("!=0") && config.errorIf().equals("!=0")
        && !config.storesFailures() && config.name().isEmpty();
  }

  private DataTestQueries.Relations relationsOf(Function<Model, String> relations) {
    return new DataTestQueries.Relations() {
      @Override
      public String ref(String model) {
        return relations.apply(project.model(model));
      }

      @Override
      public String source(String source, String table) {
        return project.sourceRelation(source, table);
      }
    };
  }

  /**
   * Runs one test alone with dbt's configs: the relation filtered by {@code where}, the failing
   * rows cut at {@code limit} (and stored when {@code store_failures}), counted by
   * {@code fail_calc}, and the count judged by {@code error_if} and {@code warn_if}.
   *
   * @param label what the result's name shows for the tested relation: the model, or {@code source a.b}
   * @param owner the result's model: the model, or the source's {@code a.b}
   */
  private TestResult checkConfigured(DataTestDefinition test, String label, String owner, String table,
      Function<Model, String> relations) {
    TestConfig config = test.config();
    String name = config.name().orElse(DataTestQueries.name(test, label));
    try {
      String tested = config.where().map(where -> "(SELECT * FROM " + table + " WHERE " + where + ")").orElse(table);
      String sql = project.genericTests().contains(test.baseKind())
          ? project.compileGenericTest(test, tested, relations).sql()
          : DataTestQueries.failures(test, label, tested, relationsOf(relations));
      if (config.limit().isPresent()) {
        sql = "SELECT * FROM (" + sql + ") LIMIT " + config.limit().getAsLong();
      }
      if (config.storesFailures()) {
        sql = storeFailures(test, label, sql);
      }
      String failCalc = config.failCalc().equals("count(*)") ? DataTestQueries.defaultFailCalc(test)
          : config.failCalc();
      // As dbt does: the conditions are SQL on the failure count, e.g. '>10' or 'between 5 and 10'.
      List<Object> counted = engine.sql("SELECT failures, failures " + config.warnIf() + " AS should_warn, failures "
          + config.errorIf() + " AS should_error FROM (SELECT " + failCalc + " AS failures FROM (" + sql + "))", 1)
          .rows().get(0);
      long failures = counted.get(0) == null ? 0 : ((Number) counted.get(0)).longValue();
      Status status = test.severity() == Severity.ERROR && Boolean.TRUE.equals(counted.get(2)) ? Status.FAIL
          : Boolean.TRUE.equals(counted.get(1)) ? Status.WARN : Status.PASS;
      Severity shown = status == Status.WARN ? Severity.WARN : test.severity();
      if (status == Status.PASS) {
        return new TestResult(name, owner, shown, Status.PASS, failures, List.of(), "");
      }
      LOG.info("Test {} found {} failures", name, failures);
      List<String> rows = status == Status.FAIL || warningRows ? sample(name, sql) : List.of();
      return new TestResult(name, owner, shown, status, failures, rows, "");
    } catch (FloeException e) {
      LOG.debug("Test {} could not run", name, e);
      return new TestResult(name, owner, test.severity(), Status.ERROR, 0, List.of(), e.getMessage());
    }
  }

  // dbt's store_failures: the failing rows replace the table <schema>.<test name>, in the audit
  // namespace unless the test's schema says otherwise; the count is then read from that table.
  private String storeFailures(DataTestDefinition test, String label, String sql) {
    String schema = test.config().schema().orElse(TestConfig.AUDIT_SCHEMA);
    String table = schema + "." + storedName(test, label);
    engine.sql("CREATE NAMESPACE IF NOT EXISTS " + schema, 0);
    engine.sql("CREATE OR REPLACE TABLE " + table + " AS SELECT * FROM (" + sql + ")", 0);
    return "SELECT * FROM " + table;
  }

  /**
   * The table a test's failing rows are stored in: its configured name, else dbt's style of name,
   * {@code not_null_orders_id}, {@code source_unique_shop_orders_id}.
   */
  public static String storedName(DataTestDefinition test, String label) {
    String generated = (label.startsWith("source ") ? "source_" + test.baseKind() + "_" + label.substring(7)
        : test.baseKind() + "_" + label) + test.column().map(column -> "_" + column).orElse("");
    return test.config().name().orElse(generated).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  // dbt's source freshness: older than error_after fails, older than warn_after warns; an empty table fails.
  private TestResult fresh(SourceTable source, SourceTable.Freshness freshness) {
    String name = "freshness(source " + source.key() + ")";
    Severity worst = freshness.errorAfter().isPresent() ? Severity.ERROR : Severity.WARN;
    String latest = "max(" + freshness.loadedAtField() + ")";
    StringBuilder level = new StringBuilder("CASE WHEN " + latest + " IS NULL THEN 2");
    freshness.errorAfter().ifPresent(age -> level.append(" WHEN ").append(latest)
        .append(" < current_timestamp() - ").append(age.interval()).append(" THEN 2"));
    freshness.warnAfter().ifPresent(age -> level.append(" WHEN ").append(latest)
        .append(" < current_timestamp() - ").append(age.interval()).append(" THEN 1"));
    level.append(" ELSE 0 END");
    String sql = "SELECT " + level + " AS level, CAST(" + latest + " AS STRING) AS max_loaded_at FROM "
        + source.relation() + freshness.filter().map(filter -> " WHERE " + filter).orElse("");
    try {
      List<Object> row = engine.query(sql, 1, name).rows().get(0);
      int found = ((Number) row.get(0)).intValue();
      if (found == 0) {
        return new TestResult(name, source.key(), worst, Status.PASS, 0, List.of(), "");
      }
      Severity severity = found == 2 ? worst : Severity.WARN;
      LOG.info("Source {} is stale: newest {} is {}", source.key(), freshness.loadedAtField(), row.get(1));
      return new TestResult(name, source.key(), severity, failing(severity), 1,
          List.of("max_loaded_at=" + row.get(1)), "");
    } catch (FloeException e) {
      LOG.debug("Freshness of {} could not be checked", source.key(), e);
      return new TestResult(name, source.key(), worst, Status.ERROR, 0, List.of(), e.getMessage());
    }
  }

  // Through the local executor where it takes the query, as the count was: Spark's first job of a
  // run costs seconds in a new JVM.
  private List<String> sample(String name, String sql) {
    List<String> rows = new ArrayList<>();
    QueryResult sample = engine.query(sql, SAMPLE_ROWS, "offending rows of test " + name);
    for (List<Object> row : sample.rows()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        cells.add(sample.columns().get(i) + "=" + row.get(i));
      }
      rows.add(String.join(", ", cells));
    }
    return rows;
  }

  // A failing test blocks the publish at error severity and only warns at warn.
  private static Status failing(Severity severity) {
    return severity == Severity.ERROR ? Status.FAIL : Status.WARN;
  }
}
