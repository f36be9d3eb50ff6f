package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.graph.Node;
import io.floe.models.project.Contract;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.render.ModelRenderer;
import io.floe.models.run.ModelResult.Status;
import io.floe.spark.FloeEngine;
import io.floe.spark.local.CompileOnly;
import io.floe.spark.local.LocalExecutor;
import io.floe.spark.local.LocalQuery;
import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.Materializations;
import io.floe.spark.materialize.MaterializeResult;
import io.floe.spark.materialize.MaterializeSpec;
import io.floe.spark.materialize.MultiTablePublish;
import io.floe.spark.materialize.RunBranch;
import io.floe.spark.materialize.ViewMaterialization;
import io.floe.spark.materialize.WriteTarget;
import io.floe.spark.materialize.WrittenRowsView;
import io.floe.spark.sql.QueryResult;
import io.floe.spark.sql.SparkErrors;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a selection of models in graph order, the independent ones in parallel, with
 * write-audit-publish: every table is written on the run's branch ({@code floe_run_<id>}), the
 * tests read the branches (a model's tests start as soon as it is written, while the models after
 * it run; a test that reads a later model waits for it), and main moves to them only when every model ran and no error-severity
 * test failed. Otherwise the branches (and tables the run created) are dropped and main is as it
 * was. Publishing is atomic per table, one table after another.
 */
public final class ModelRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRunner.class);
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSS")
      .withZone(ZoneOffset.UTC);

  private static final int RUN_QUERY_ROWS = 100_000;
  /** The table property prefix of a model's watermarks (see {@link ModelRenderer.Values#watermark}). */
  static final String WATERMARK = "floe.watermark.";

  private final FloeEngine engine;
  private final ModelProject project;
  private final boolean warningRows;
  private final boolean fullRefresh;
  private final Listener listener;
  // Each model's watermarks found in this run, published with it.
  private final Map<String, Map<String, String>> watermarks = new ConcurrentHashMap<>();
  // The definition fingerprints of the views this run ran (see runModel), published with them.
  private final Map<String, String> definitions = new ConcurrentHashMap<>();
  // The views of this run with tests whose definition is as published: their publish only updates properties.
  private final Set<String> viewsAsPublished = ConcurrentHashMap.newKeySet();
  // The values of max_of() found in this run, by relation and expression.
  private final Map<String, String> maxima = new ConcurrentHashMap<>();
  // The incremental models this run built from their whole SELECT (a first build, a full refresh), by name:
  // their next run is incremental, with a query no run has compiled yet (see compileNextRuns).
  private final Set<String> builtWhole = ConcurrentHashMap.newKeySet();

  /** Hears each model as it finishes, and is asked before each model whether the run goes on. */
  public interface Listener {
    /** A model finished (ran, was unchanged, failed or was skipped). Called from the model's thread. */
    default void modelFinished(ModelResult result) {}

    /** True when the run was cancelled: models not started yet are skipped, and nothing is published. */
    default boolean cancelled() {
      return false;
    }
  }

  public ModelRunner(FloeEngine engine, ModelProject project) {
    this(engine, project, false, false);
  }

  /**
   * @param warningRows whether tests that warn show their offending rows too (see {@link DataTestRunner})
   * @param fullRefresh run every selected model whatever its fingerprint, and rebuild incremental
   *     tables from their whole SELECT (dbt's {@code --full-refresh})
   */
  public ModelRunner(FloeEngine engine, ModelProject project, boolean warningRows, boolean fullRefresh) {
    this(engine, project, warningRows, fullRefresh, new Listener() { });
  }

  /** A runner as above that tells {@code listener} of each model and asks it whether to go on. */
  public ModelRunner(FloeEngine engine, ModelProject project, boolean warningRows, boolean fullRefresh,
      Listener listener) {
    this.engine = requireNonNull(engine, "engine is null");
    this.project = requireNonNull(project, "project is null");
    this.warningRows = warningRows;
    this.fullRefresh = fullRefresh;
    this.listener = requireNonNull(listener, "listener is null");
  }

  /**
   * Runs the selected models and their tests; publishes when all is well.
   *
   * @param selected node names (from {@link io.floe.core.graph.Selector}); sources are skipped
   * @param withTests false for {@code floe run}: models only, published when they all ran
   */
  public RunReport run(Set<String> selected, boolean withTests) {
    return run(RUN_ID.format(Instant.now()), selected, withTests);
  }

  /**
   * Runs the selected models and their tests as run {@code runId} (its branch is
   * {@code floe_run_<runId>}); publishes when all is well, and otherwise, or when anything throws,
   * discards the run's branches.
   */
  public RunReport run(String runId, Set<String> selected, boolean withTests) {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    builtWhole.clear();
    viewsAsPublished.clear();
    String branch = io.floe.spark.table.RunLeftovers.RUN_BRANCH_PREFIX + runId;
    Map<String, WriteTarget> written = new ConcurrentHashMap<>();
    Map<String, MaterializeResult> results = new ConcurrentHashMap<>();
    List<ModelResult> models = new ArrayList<>();
    Set<String> failed = ConcurrentHashMap.newKeySet();
    Set<String> published = ConcurrentHashMap.newKeySet();
    createNamespaces(selected);
    runRunHooks(project.dbt().onRunStart(), "on-run-start");
    Fingerprints fingerprints = new Fingerprints(engine, project);
    Map<String, String> computed = new ConcurrentHashMap<>();
    // What the tests of each view saw, published with it (see AppendedViewRows).
    Map<String, String> testedViews = new java.util.concurrent.ConcurrentSkipListMap<>();
    List<List<Node>> levels = project.graph().levels(selected);
    // A test reads a model of this run once it has finished: its tests start while later levels run.
    Map<String, java.util.concurrent.CompletableFuture<Void>> finished = new java.util.HashMap<>();
    levels.forEach(level -> level.stream().filter(node -> node.kind() == Node.Kind.MODEL)
        .forEach(node -> finished.put(node.name(), new java.util.concurrent.CompletableFuture<>())));
    AppendedViewRows appended = new AppendedViewRows(engine, project);
    DataTestRunner.Started early = withTests
        ? new DataTestRunner(engine, project, warningRows).start(model -> {
          java.util.concurrent.CompletableFuture<Void> done = finished.get(model.name());
          if (done != null) {
            awaitModel(done, model.name());
          }
          return relation(model, written);
        })
        : null;
    long firstTest = Long.MAX_VALUE;
    try {
      int threads = engine.project().config().engine().threads();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        // Each model starts once the models it reads have finished, not once its whole level has: a
        // level's slowest model no longer holds back the readers of the others.
        ModelSchedule schedule = new ModelSchedule(project.graph(), levels);
        java.util.concurrent.CompletionService<ModelResult> done =
            new java.util.concurrent.ExecutorCompletionService<>(pool);
        int running = 0;
        while (true) {
          for (String name; running < threads && (name = schedule.next()) != null; running++) {
            Model model = project.model(name);
            done.submit(() -> runModel(model, branch, written, results, failed, fingerprints, computed));
          }
          if (running == 0) {
            break;
          }
          ModelResult result = await(take(done));
          running--;
          models.add(result);
          listener.modelFinished(result);
          finished.get(result.model()).complete(null);
          if (early != null && written.containsKey(result.model()) && !listener.cancelled()) {
            Model model = project.model(result.model());
            firstTest = Math.min(firstTest, System.nanoTime());
            early.model(model.name(), () -> writtenRows(model, results.get(model.name()), appended, testedViews));
          }
          schedule.finished(result.model());
        }
        // In graph order, as the report has always listed them.
        models.sort(java.util.Comparator.comparingInt(result -> schedule.rank(result.model())));
        if (failed.isEmpty() && !listener.cancelled()) {
          compileNextRuns(pool, written, branch, false);
        }
      } finally {
        pool.shutdownNow();
      }
      long testsStart = System.nanoTime();
      // Tests of the models that ran: an unchanged model's table is what its tests saw last time.
      Set<String> ran = new java.util.TreeSet<>(written.keySet());
      List<TestResult> tests;
      try {
        boolean testing = early != null && !ran.isEmpty() && !listener.cancelled();
        tests = testing ? early.finish(ran) : List.of();
      } finally {
        if (early != null) {
          early.close();
        }
        results.values().forEach(result -> result.writtenRows().ifPresent(WrittenRowsView::drop));
        appended.close();
      }
      Duration modelsTime = Duration.ofNanos(testsStart - startNanos);
      // From the first test's start: a model's tests run alongside the later models.
      Duration testsTime = Duration.ofNanos(System.nanoTime() - Math.min(firstTest, testsStart));
      boolean ok = models.stream().allMatch(ModelResult::ok) && tests.stream().noneMatch(TestResult::blocks)
          && !listener.cancelled();
      if (ok) {
        publish(written, published, computed, testedViews);
        afterPublish(written.keySet());
        if (!builtWhole.isEmpty()) {
          ExecutorService compiling = Executors.newFixedThreadPool(engine.project().config().engine().threads());
          try {
            compileNextRuns(compiling, written, branch, true);
          } finally {
            compiling.shutdownNow();
          }
        }
      } else {
        discard(written, results, published);
      }
      runRunHooks(project.dbt().onRunEnd(), "on-run-end");
      return new RunReport(runId, started, models, tests, ok, modelsTime, testsTime);
    } catch (RuntimeException e) {
      // A model, a test or the publish itself threw: no run branch outlives its run, and a failure
      // to clean up never hides the first failure.
      if (early != null) {
        early.close();
      }
      try {
        discard(written, results, published);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  // The rows a model's tests read when not all of its rows: an incremental model's written rows, a
  // view's rows its sources gained since its tests last passed (see AppendedViewRows); in the tests' pool.
  private Optional<DataTestRunner.WrittenRows> writtenRows(Model model, MaterializeResult result,
      AppendedViewRows appended, Map<String, String> testedViews) {
    Optional<DataTestRunner.WrittenRows> rows = result.writtenRows()
        .map(view -> new DataTestRunner.WrittenRows(view.name(), result.writtenBounds(), true));
    if (model.createsView()) {
      testedViews.put(model.name(), appended.stamp(model));
      if (!fullRefresh) {
        Optional<DataTestRunner.WrittenRows> since = appended.since(model);
        if (since.isPresent()) {
          rows = since;
        }
      }
    }
    return rows;
  }

  private static void awaitModel(java.util.concurrent.CompletableFuture<Void> done, String model) {
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.internal(e, "Interrupted while a test waited for model %s", model);
    } catch (ExecutionException e) {
      throw FloeException.internal(e.getCause(), "Model %s did not finish", model);
    }
  }

  private ModelResult runModel(Model model, String branch, Map<String, WriteTarget> written,
      Map<String, MaterializeResult> results, Set<String> failed, Fingerprints fingerprints,
      Map<String, String> computed) {
    SparkSession.setActiveSession(engine.session());
    // The Spark UI and event log name each job's model (pool threads keep it until their next model).
    engine.session().sparkContext().setJobDescription("model " + model.name());
    long start = System.nanoTime();
    if (listener.cancelled()) {
      failed.add(model.name());
      return new ModelResult(model.name(), model.table(), Status.SKIPPED, 0, 0, Optional.empty(), "the run was cancelled");
    }
    for (String parent : model.refs()) {
      if (failed.contains(parent)) {
        failed.add(model.name());
        return new ModelResult(model.name(), model.table(), Status.SKIPPED, 0, 0, Optional.empty(),
            "upstream model " + parent + " failed");
      }
    }
    if (model.inlined()) {
      // Nothing of its own to run: its SQL is part of each reader's, and so of their fingerprints.
      return new ModelResult(model.name(), model.table(), Status.UNCHANGED, 0, 0, Optional.empty(),
          "ephemeral: inlined where it is read");
    }
    // dbt's full_refresh: false keeps an incremental table as it is under --full-refresh.
    boolean refresh = fullRefresh && model.config().string("full_refresh")
        .map(value -> !value.trim().equalsIgnoreCase("false")).orElse(true);
    boolean existed = true;
    try {
      MaterializeSpec spec = model.spec();
      Materialization materialization = Materialization.of(spec);
      boolean isView = materialization.createsView();
      boolean exists = engine.icebergCatalog().tableExists(TableIdentifier.parse(model.table()));
      existed = exists;
      boolean incremental = materialization.incremental() && exists && !refresh;
      String fingerprint = fingerprints.of(model, materialization.incremental());
      if (!refresh && fingerprints.stored(model).filter(fingerprint::equals).isPresent()) {
        if (isView) {
          fingerprints.settledView(model, fingerprint);
        } else {
          fingerprints.settledTable(model, Optional.empty());
        }
        LOG.info("Model {} -> {}: unchanged (same SQL, config and inputs as published)", model.name(), model.table());
        return new ModelResult(model.name(), model.table(), Status.UNCHANGED, 0,
            (System.nanoTime() - start) / 1_000_000, Optional.empty(), "");
      }
      if (isView) {
        String definition = fingerprints.definitionOf(model);
        boolean asPublished = !refresh && fingerprints.storedDefinition(model).filter(definition::equals).isPresent();
        if (asPublished && !hasTests(model)) {
          // Only its tables' rows moved: they reach its readers through the view as it is published.
          fingerprints.settledView(model, fingerprint);
          LOG.info("Model {} -> {}: unchanged (same SQL, config and input schemas as published)", model.name(),
              model.table());
          return new ModelResult(model.name(), model.table(), Status.UNCHANGED, 0,
              (System.nanoTime() - start) / 1_000_000, Optional.empty(), "");
        }
        // Published with the view; a view with tests whose definition is as published then only has its
        // properties updated (see publish).
        definitions.put(model.name(), definition);
        if (asPublished) {
          viewsAsPublished.add(model.name());
        }
      }
      computed.put(model.name(), fingerprint);
      String sql = project.compile(model, incremental, ref -> relation(ref, written), new ModelRenderer.Values() {
        @Override
        public String max(String relation, String expression) {
          return maxLiteral(model, relation, expression);
        }

        @Override
        public String watermark(String input, String relation, String expression) {
          return watermarkLiteral(model, input, relation, expression, exists && !refresh);
        }
      }, this::runQuery);
      // The SELECT, analyzed at most once for the contract's check and the write (see LocalQuery.sharedWhile).
      LocalQuery select = LocalQuery.of(engine.session(), sql);
      if (Contract.enforced(model)) {
        Map<String, String> columns = new LinkedHashMap<>();
        StructType schema = LocalExecutor.schema(engine, select, "run model SQL for " + model.table());
        for (StructField field : schema.fields()) {
          columns.put(field.name(), field.dataType().simpleString());
        }
        Contract.check(model, columns);
      }
      if (model.config().values().containsKey("grants")) {
        LOG.warn("Model {}: grants are not applied: the catalog has no privileges to grant.", model.name());
      }
      runHooks(model, "pre_hook", ref -> relation(ref, written));
      if (!isView) {
        dropViewOfSameName(model);
      }
      WriteTarget target = new WriteTarget(model.table(), Optional.of(branch));
      // A full refresh rebuilds an incremental table from its whole SELECT, like dbt's.
      Materialization writer = refresh && materialization.incremental() && exists
          ? Materializations.named(Materializations.TABLE) : materialization;
      // A pre_hook may change what the SELECT reads, so after one the write analyzes it anew.
      MaterializeResult result = model.config().list("pre_hook").isEmpty()
          ? LocalQuery.sharedWhile(select, () -> writer.materialize(engine, spec, sql, target))
          : writer.materialize(engine, spec, sql, target);
      written.put(model.name(), target);
      results.put(model.name(), result);
      if (materialization.incremental() && !incremental && compilesAhead(model, spec)) {
        builtWhole.add(model.name());
      }
      if (isView) {
        fingerprints.settledView(model, fingerprint);
      } else {
        fingerprints.settledTable(model, Optional.of(branch));
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      LOG.info("Model {} -> {}: {} rows in {} ms", model.name(), model.table(), result.rowsWritten(), millis);
      return new ModelResult(model.name(), model.table(), Status.SUCCESS, result.rowsWritten(), millis,
          result.snapshotId(), "");
    } catch (FloeException e) {
      failed.add(model.name());
      discardFailed(model, branch, existed, e);
      LOG.debug("Model {} failed", model.name(), e);
      return new ModelResult(model.name(), model.table(), Status.ERROR, 0, (System.nanoTime() - start) / 1_000_000,
          Optional.empty(), "Cannot run model " + model.name() + " (" + model.path() + "): " + e.getMessage());
    } catch (RuntimeException e) {
      // An unexpected failure (a defect, the JVM exiting) leaves nothing of the model behind either.
      failed.add(model.name());
      discardFailed(model, branch, existed, e);
      throw e;
    }
  }

  // run_query() and the macros that read a relation's columns, during a run (dbt's execute).
  private ModelRenderer.Table runQuery(String sql) {
    QueryResult result = engine.sql(sql, RUN_QUERY_ROWS);
    if (result.truncated()) {
      throw FloeException.user("the query returned more than %d rows, more than a template should read. Aggregate or"
          + " limit it.", RUN_QUERY_ROWS);
    }
    return new ModelRenderer.Table(result.columns(), result.types(), result.rows());
  }

  // max_of() during a run: the value is found now, so the model's SQL holds a constant its scans can prune by;
  // from the table's manifests where they tell it exactly, else by a query (DuckDB's where it takes it).
  /**
   * The model's watermark of an input column: the literal its published table holds in property
   * {@value #WATERMARK}input.column (NULL when there is none, or {@code published} is false: a
   * first load or a full refresh reads everything); this run's maximum, kept to publish with it.
   */
  private String watermarkLiteral(Model model, String input, String relation, String expression, boolean published) {
    String key = WATERMARK + input + "." + expression;
    watermarks.computeIfAbsent(model.name(), name -> new ConcurrentHashMap<>())
        .put(key, maxLiteral(model, relation, expression));
    String stored = published
        ? engine.icebergCatalog().loadTable(TableIdentifier.parse(model.table())).properties().get(key) : null;
    LOG.debug("Model {}: watermark('{}', '{}') is {}", model.name(), input, expression, stored);
    return stored == null ? "NULL" : stored;
  }

  private String maxLiteral(Model model, String relation, String expression) {
    String what = "max_of(" + relation + ", '" + expression + "') in " + model.path();
    // Once per run: what a model reads holds still while it runs (an input is complete before its
    // readers start, a table's main moves only at publish), and the models of a vault read each
    // stage's newest _ingested_at four times.
    String key = relation + '\0' + expression;
    String literal = maxima.get(key);
    if (literal == null) {
      Object value = ColumnMaximum.of(engine, relation, expression).orElseGet(() -> engine.query("SELECT max("
          + expression + ") FROM " + relation, 1, what).rows().get(0).get(0));
      literal = SqlLiterals.of(value, what);
      maxima.putIfAbsent(key, literal);
    }
    LOG.debug("Model {}: {} is {}", model.name(), what, literal);
    return literal;
  }

  // A model that failed leaves nothing behind: its branch goes, and a table it created (main never
  // had it) is dropped. A failure here is added to the model's, not thrown over it.
  private void discardFailed(Model model, String branch, boolean existed, RuntimeException failure) {
    try {
      if (engine.icebergCatalog().tableExists(TableIdentifier.parse(model.table()))) {
        RunBranch.discard(engine, model.table(), existed ? branch : "", !existed);
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  // During a run, a model written by it is read from its branch (a view from its session view).
  private String relation(Model model, Map<String, WriteTarget> written) {
    WriteTarget target = written.get(model.name());
    if (target == null) {
      return model.table();
    }
    return model.createsView() ? ViewMaterialization.stagedName(target)
        : target.identifier();
  }

  // Tables first, all at once where the catalog allows it (one transaction), else one after another.
  private void publish(Map<String, WriteTarget> written, Set<String> published, Map<String, String> fingerprints,
      Map<String, String> testedViews) {
    List<MultiTablePublish.Move> moves = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, WriteTarget> entry : new java.util.TreeMap<>(written).entrySet()) {
      Model model = project.model(entry.getKey());
      if (!model.createsView()) {
        String fingerprint = fingerprints.get(entry.getKey());
        Map<String, String> marks = watermarks.getOrDefault(entry.getKey(), Map.of());
        moves.add(new MultiTablePublish.Move(model.table(), entry.getValue().branch().orElseThrow(), snapshotId -> {
          Map<String, String> properties = new java.util.HashMap<>(marks);
          properties.put(Fingerprints.PROPERTY, Fingerprints.stamp(fingerprint, snapshotId));
          return properties;
        }));
        names.add(entry.getKey());
      }
    }
    if (MultiTablePublish.supported(engine) && MultiTablePublish.publish(engine, moves)) {
      published.addAll(names);
    } else {
      for (int i = 0; i < moves.size(); i++) {
        MultiTablePublish.Move move = moves.get(i);
        RunBranch.publish(engine, move.table(), move.branch(), move.properties());
        published.add(names.get(i));
      }
    }
    // Views last: they read the published tables, so they are rendered against main; in graph
    // order, so a view that reads another view finds it.
    for (List<Node> level : project.graph().levels(written.keySet())) {
      for (Node node : level) {
        if (node.kind() != Node.Kind.MODEL) {
          continue;
        }
        Model model = project.model(node.name());
        if (model.createsView()) {
          Map<String, String> properties = new java.util.HashMap<>();
          properties.put(Fingerprints.PROPERTY, fingerprints.get(node.name()));
          String definition = definitions.get(node.name());
          if (definition != null) {
            properties.put(Fingerprints.DEFINITION_PROPERTY, definition);
          }
          if (testedViews.containsKey(node.name())) {
            properties.put(AppendedViewRows.PROPERTY, testedViews.get(node.name()));
          }
          // A view with tests runs on every change to its tables' rows; its SQL, config and input schemas as
          // published, it keeps its SQL and dialects and only the properties above move (no Spark analysis).
          if (viewsAsPublished.contains(node.name()) && !fullRefresh) {
            ViewMaterialization.updateProperties(engine, model.table(), properties);
            continue;
          }
          dropTableOfSameName(model);
          String sql = project.compile(model, false, Model::table, ModelRenderer.Values.DEFERRED, this::runQuery);
          ViewMaterialization.publish(engine, model.table(), sql, properties);
        }
      }
    }
  }

  // dbt's pre_hook/post_hook: each statement rendered like the model (this is its table) and run.
  private void runHooks(Model model, String key, java.util.function.Function<Model, String> tables) {
    for (String hook : model.config().list(key)) {
      String sql = project.compileHook(model, hook, tables, this::runQuery);
      if (!sql.isBlank()) {
        LOG.info("Model {}: {} {}", model.name(), key, sql);
        SparkErrors.translate(key + " of model " + model.name() + " (" + model.path() + ")",
            () -> engine.sql(sql, 0));
      }
    }
  }

  // on-run-start / on-run-end of dbt_project.yml.
  private void runRunHooks(List<String> hooks, String key) {
    for (String hook : hooks) {
      String sql = project.compileRunHook(key, hook, this::runQuery);
      if (!sql.isBlank()) {
        LOG.info("{}: {}", key, sql);
        SparkErrors.translate(key + " in dbt_project.yml", () -> engine.sql(sql, 0));
      }
    }
  }

  // Once main has the run's tables: post-hooks, and descriptions as comments (persist_docs), in graph order.
  private void afterPublish(Set<String> ran) {
    for (List<Node> level : project.graph().levels(ran)) {
      for (Node node : level) {
        if (node.kind() == Node.Kind.MODEL) {
          Model model = project.model(node.name());
          PersistedDocs.apply(engine, model);
          runHooks(model, "post_hook", Model::table);
        }
      }
    }
  }

  // A model that was a view and is now a table: the view goes first, since a table cannot take its name.
  private void dropViewOfSameName(Model model) {
    TableIdentifier id = TableIdentifier.parse(model.table());
    if (engine.icebergCatalog() instanceof org.apache.iceberg.catalog.ViewCatalog views && views.viewExists(id)) {
      LOG.info("Model {} was a view and is now a table: dropping the view {}", model.name(), model.table());
      views.dropView(id);
    }
  }

  // A model that was a table and is now a view: the table (and its files) goes when the view is published.
  private void dropTableOfSameName(Model model) {
    TableIdentifier id = TableIdentifier.parse(model.table());
    if (engine.icebergCatalog().tableExists(id)) {
      LOG.info("Model {} was a table and is now a view: dropping the table {}", model.name(), model.table());
      engine.icebergCatalog().dropTable(id, true);
    }
  }

  // Tables already published (a publish that failed half-way) keep their new main.
  private void discard(Map<String, WriteTarget> written, Map<String, MaterializeResult> results,
      Set<String> published) {
    // Every table is tried; the first failure is thrown after, with the others suppressed.
    RuntimeException first = null;
    for (Map.Entry<String, WriteTarget> entry : written.entrySet()) {
      Model model = project.model(entry.getKey());
      if (!model.createsView() && !published.contains(entry.getKey())) {
        try {
          RunBranch.discard(engine, model.table(), entry.getValue().branch().orElseThrow(),
              results.get(entry.getKey()).created());
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
    }
    if (first != null) {
      throw first;
    }
    LOG.info("Run not published: main of every table is unchanged");
  }

  // Up front and one at a time: models of one namespace running in parallel raced to create it.
  private void createNamespaces(Set<String> selected) {
    if (!(engine.icebergCatalog() instanceof org.apache.iceberg.catalog.SupportsNamespaces catalog)) {
      return;
    }
    java.util.SortedSet<String> namespaces = new java.util.TreeSet<>();
    for (String name : selected) {
      Model model = project.models().get(name);
      if (model != null) {
        namespaces.add(model.table().substring(0, model.table().lastIndexOf('.')));
      }
    }
    for (String namespace : namespaces) {
      org.apache.iceberg.catalog.Namespace id = org.apache.iceberg.catalog.Namespace.of(namespace.split("\\."));
      if (!catalog.namespaceExists(id)) {
        try {
          catalog.createNamespace(id);
        } catch (RuntimeException e) {
          // Another process created it meanwhile (its insert won the race): only then go on.
          if (!catalog.namespaceExists(id)) {
            throw e;
          }
          LOG.debug("Namespace {} was created by another run meanwhile", namespace, e);
        }
      }
    }
  }

  // Whether the next run of an incremental model can have its query compiled ahead (compileNextRuns): merged
  // or appended (the strategies that end a compile-only pass before Spark works), no pre_hook (which may
  // change what the SELECT reads), and an executor that keeps what it compiles.
  private boolean compilesAhead(Model model, MaterializeSpec spec) {
    return (spec.strategy() == MaterializeSpec.Strategy.MERGE || spec.strategy() == MaterializeSpec.Strategy.APPEND)
        && model.config().list("pre_hook").isEmpty() && LocalExecutor.of(engine).isPresent();
  }

  /**
   * Compiles, and runs nothing of, the query of each incremental model this run built from its whole SELECT
   * as its next run will have it (incremental, reading what that run will read), twice with other values of
   * its watermarks, so that the local executor keeps it with them as parameters and that run, the first
   * incremental one, does not wait for Spark to compile it (a whole second of a 1% run of the e-commerce
   * example, most of one of the meter vault). Before the publish ({@code published} false): the models whose
   * inputs the next run reads as this one does (its tables at that run's branch); after it: those that read
   * views without tests, which the next run reads as published. A model that cannot be compiled so is left
   * to its next run, which compiles it as always.
   */
  private void compileNextRuns(ExecutorService pool, Map<String, WriteTarget> written, String branch,
      boolean published) {
    List<java.util.concurrent.Callable<Void>> tasks = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(builtWhole)) {
      Model model = project.model(name);
      boolean readsPublishedViews = false;
      boolean readsRunTables = false;
      for (String ref : model.refs()) {
        Model input = project.model(ref);
        if (written.containsKey(ref)) {
          if (input.createsView() && !hasTests(input)) {
            readsPublishedViews = true;
          } else {
            readsRunTables = true;
          }
        }
      }
      if (readsPublishedViews && readsRunTables || readsPublishedViews != published) {
        continue;
      }
      builtWhole.remove(name);
      WriteTarget target = new WriteTarget(model.table(), published ? Optional.empty() : Optional.of(branch));
      tasks.add(() -> {
        SparkSession.setActiveSession(engine.session());
        compileNextRun(model, written, target);
        return null;
      });
    }
    try {
      for (Future<Void> task : pool.invokeAll(tasks)) {
        task.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.internal(e, "Interrupted while compiling the models' next queries");
    } catch (ExecutionException e) {
      throw FloeException.internal(e.getCause(), "Cannot compile the models' next queries");
    }
  }

  private void compileNextRun(Model model, Map<String, WriteTarget> written, WriteTarget target) {
    long start = System.nanoTime();
    try {
      Map<String, String> marks = watermarks.getOrDefault(model.name(), Map.of());
      String sql = project.compile(model, true, ref -> nextRunRelation(ref, model, written), new ModelRenderer.Values() {
        @Override
        public String max(String relation, String expression) {
          // Its own table: what its next run finds there is what this run wrote, on its branch until the publish.
          boolean self = relation.equals(model.table()) && target.branch().isPresent();
          return maxLiteral(model, self ? written.get(model.name()).identifier() : relation, expression);
        }

        @Override
        public String watermark(String input, String relation, String expression) {
          // What this run publishes, the next run reads.
          return marks.getOrDefault(WATERMARK + input + "." + expression, "NULL");
        }
      }, this::runQuery);
      MaterializeSpec spec = model.spec();
      Materialization materialization = Materialization.of(spec);
      List<String> variants = LocalQuery.hasParameters(sql) ? List.of(sql, LocalQuery.withParametersMoved(sql))
          : List.of(sql);
      for (String variant : variants) {
        LocalQuery query = LocalQuery.of(engine.session(), variant);
        if (!CompileOnly.run(() -> LocalQuery.sharedWhile(query,
            () -> materialization.materialize(engine, spec, variant, target)))) {
          LOG.debug("Model {}: its next run's query was not compiled ahead (the local executor declined it)",
              model.name());
          return;
        }
      }
      LOG.info("Model {}: its next run's query compiled ahead in {} ms", model.name(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      // Advisory: the next run compiles the query itself, and reports what is wrong with it where the user looks.
      LOG.debug("Model {}: its next run's query was not compiled ahead: {}", model.name(), e.getMessage(), e);
    }
  }

  // Where the next run of `model` reads `ref`: as this run did, but a view without tests at main, where it is
  // then unchanged (see runModel), and the model's own table at main.
  private String nextRunRelation(Model ref, Model model, Map<String, WriteTarget> written) {
    if (ref.name().equals(model.name()) || ref.createsView() && !hasTests(ref)) {
      return ref.table();
    }
    return relation(ref, written);
  }

  // A view with tests is staged each run, so that they read the rows its tables gained.
  private boolean hasTests(Model model) {
    return model.properties().map(properties -> !properties.tests().isEmpty()).orElse(false)
        || project.singularTests().stream().anyMatch(test -> test.refs().contains(model.name()))
        || project.declarations().unitTests().stream().anyMatch(test -> test.model().equals(model.name()));
  }

  private static Future<ModelResult> take(java.util.concurrent.CompletionService<ModelResult> done) {
    try {
      return done.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.internal(e, "Cannot finish the run: interrupted");
    }
  }

  private static ModelResult await(Future<ModelResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.internal(e, "Cannot finish the run: interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      Throwable cause = e.getCause();
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw FloeException.internal(cause, "Cannot finish the run: %s%s", cause, root == cause ? "" : " (" + root + ")");
    }
  }
}
