package io.floe.runtime;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.maintenance.MaintenancePolicies;
import io.floe.core.maintenance.MaintenancePolicy;
import io.floe.ingest.Ingestion;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.SourceRun;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.run.DataTestRunner;
import io.floe.models.run.ModelResult;
import io.floe.models.run.ModelRunner;
import io.floe.models.run.RunReport;
import io.floe.models.run.TestResult;
import io.floe.runtime.history.RunStore;
import io.floe.spark.FloeEngine;
import io.floe.spark.maintenance.MaintenanceResult;
import io.floe.spark.maintenance.TableMaintenance;
import io.floe.spark.profile.SparkWork;
import io.floe.spark.profile.WorkProfiler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The work of one {@link ProjectRun}: ingest, models, tests, each node recorded in the run history
 * as it finishes. The CLI's {@code ingest}, {@code build}, {@code run} and {@code test} are thin
 * calls to it; it prints nothing (the {@link Listener} hears the events).
 */
public final class FloeRuntime {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FloeRuntime.class);
  // Spark delivers its events within milliseconds; a busy server's other runs may hold them longer.
  private static final long WORK_DELIVERY_TIMEOUT_MILLIS = 2_000;

  /** Hears a run's events as they happen. */
  public interface Listener extends Ingestion.Progress {
    @Override
    default void batchCommitted(SourceDefinition source, io.floe.ingest.spi.Batch batch,
        io.floe.ingest.bronze.BatchResult result, int done, int total, long bytesDone, long bytesTotal,
        Duration elapsed) {}

    /** A source finished loading (all its batches committed). */
    default void sourceFinished(SourceRun run) {}

    /** A model finished: ran, unchanged, failed or skipped. */
    default void modelFinished(ModelResult result) {}

    /** A maintenance step on a table starts, e.g. {@code compacting 61 data files}. */
    default void maintenanceStep(String table, String step) {}

    /** A table was maintained (by {@code floe maintain}, or automatically after the run's commits). */
    default void maintained(MaintenanceResult result) {}

    /** Automatic maintenance of a table failed; what the run committed stands. */
    default void maintenanceFailed(String table, RuntimeException failure) {}
  }

  private final FloeEngine engine;
  private final ProjectRun run;
  private MaintenancePolicies policies;

  public FloeRuntime(FloeEngine engine, ProjectRun run) {
    this.engine = requireNonNull(engine, "engine is null");
    this.run = requireNonNull(run, "run is null");
  }

  /** The run this runtime records into. */
  public ProjectRun run() {
    return run;
  }

  /**
   * Loads what is new in each selected source; each committed batch is a {@code batch} node with its
   * rows, bytes, position and snapshot id. Consecutive file sources load side by side, up to {@code
   * engine.threads} at once (each reads only its files, into its own table, and each batch commits on
   * its own); any other source may read a table an earlier one loads (an HTTP source's {@code
   * items.query}), so it starts once the sources listed before it have ended, and those after it wait
   * for it. Sources are reported finished in the order they were selected. A file source that fails
   * does not stop the file sources beside it; no source after them starts.
   *
   * @throws FloeException the first selected source's failure (the others' suppressed), once every
   *     started source has ended; committed batches stay, and each failure is recorded
   */
  public List<SourceRun> ingest(ProjectSources sources, List<SourceDefinition> selected, Listener listener) {
    Ingestion ingestion = new Ingestion(engine, sources);
    int threads = engine.project().config().engine().threads();
    List<SourceRun> runs = new ArrayList<>();
    List<SourceDefinition> files = new ArrayList<>();
    for (SourceDefinition definition : selected) {
      if (FILE_TYPES.contains(definition.type())) {
        files.add(definition);
        continue;
      }
      runs.addAll(sideBySide(ingestion, files, listener, threads));
      files.clear();
      runs.addAll(sideBySide(ingestion, List.of(definition), listener, 1));
    }
    runs.addAll(sideBySide(ingestion, files, listener, threads));
    return runs;
  }

  // Source types that read only their own files, never a table of the catalog.
  private static final Set<String> FILE_TYPES = new io.floe.ingest.file.FileSourceConnector().types();

  // Loads the sources, up to threads at once, reporting each finished in their order.
  private List<SourceRun> sideBySide(Ingestion ingestion, List<SourceDefinition> selected, Listener listener,
      int maxThreads) {
    int threads = Math.min(selected.size(), maxThreads);
    List<SourceRun> runs = new ArrayList<>();
    if (threads <= 1) {
      for (SourceDefinition definition : selected) {
        throwIfCancelled();
        runs.add(ingest(ingestion, definition, listener, ReadOptions.CATCH_UP, true));
      }
      return runs;
    }
    java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads,
        runnable -> new Thread(runnable, "floe-ingest-" + started.incrementAndGet()));
    try {
      List<java.util.concurrent.Future<SourceRun>> loads = new ArrayList<>();
      for (SourceDefinition definition : selected) {
        // Independent: one that fails does not keep the others from loading.
        loads.add(pool.submit(() -> {
          throwIfCancelled();
          return ingest(ingestion, definition, listener, ReadOptions.CATCH_UP, false);
        }));
      }
      RuntimeException failure = null;
      for (java.util.concurrent.Future<SourceRun> load : loads) {
        try {
          SourceRun sourceRun = load.get();
          runs.add(sourceRun);
          listener.sourceFinished(sourceRun);
        } catch (java.util.concurrent.ExecutionException e) {
          RuntimeException cause = e.getCause() instanceof RuntimeException runtime ? runtime
              : FloeException.internal(e.getCause(), "Loading a source failed");
          if (failure == null) {
            failure = cause;
          } else if (failure != cause) {
            failure.addSuppressed(cause);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pool.shutdownNow();
          throw FloeException.cancelled("Loading the sources was interrupted");
        }
      }
      if (failure != null) {
        throw failure;
      }
      return runs;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Follows the selected sources ({@code floe ingest --follow}), each in a thread of its own: a
   * stream source keeps committing batches of new changes until the run is cancelled (Ctrl-C,
   * SIGTERM), then commits what it has read and ends; a bounded source loads what is new and ends.
   * A cancel here is the normal end, not a failure; a source that fails stops the others.
   *
   * @throws FloeException the first source's failure, after every source has stopped
   */
  public List<SourceRun> follow(ProjectSources sources, List<SourceDefinition> selected, Listener listener) {
    Ingestion ingestion = new Ingestion(engine, sources);
    java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
    ReadOptions options = new ReadOptions(true, () -> run.isCancelled() || failed.get());
    List<java.util.concurrent.CompletableFuture<SourceRun>> following = new ArrayList<>();
    for (SourceDefinition definition : selected) {
      following.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        Thread.currentThread().setName("floe-follow-" + definition.name());
        try {
          return ingest(ingestion, definition, listener, options, true);
        } catch (RuntimeException e) {
          failed.set(true);
          throw e;
        }
      }, runnable -> new Thread(runnable).start()));
    }
    List<SourceRun> runs = new ArrayList<>();
    RuntimeException failure = null;
    for (java.util.concurrent.CompletableFuture<SourceRun> source : following) {
      try {
        runs.add(source.join());
      } catch (java.util.concurrent.CompletionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException cause ? cause : e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return runs;
  }

  // Loads one source; tells the listener it finished when report is set (else the caller does, in order).
  private SourceRun ingest(Ingestion ingestion, SourceDefinition definition, Listener listener,
      ReadOptions options, boolean report) {
    long start = System.nanoTime();
    long[] lastBatchNanos = {start};
    Ingestion.Progress recording = (source, batch, result, done, total, bytesDone, bytesTotal, elapsed) -> {
      long now = System.nanoTime();
      run.record(new RunStore.Node("batch", source.name(), source.target(), "success", result.rowsWritten(),
          batch.bytes(), (now - lastBatchNanos[0]) / 1_000_000, Long.toString(result.snapshotId()),
          batch.after().value(), result.rejects() == 0 ? "" : result.rejects() + " rejected"));
      lastBatchNanos[0] = now;
      listener.batchCommitted(source, batch, result, done, total, bytesDone, bytesTotal, elapsed);
      // Right after the commit, in the thread that made it: compaction never races the writes it follows.
      autoMaintain(source.target(), listener);
      if (!options.follow()) {
        // Between batches: the one just committed stays, the next one is not read.
        throwIfCancelled();
      }
    };
    try {
      SourceRun sourceRun = ingestion.run(definition, recording, options);
      run.record(new RunStore.Node("source", sourceRun.source(), sourceRun.table(), "success",
          sourceRun.rowsWritten(), sourceRun.bytes(), sourceRun.elapsed().toMillis(), "", sourceRun.position(),
          sourceRun.batches() == 0 ? "nothing new"
              : sourceRun.batches() + (sourceRun.batches() == 1 ? " batch" : " batches")));
      if (report) {
        listener.sourceFinished(sourceRun);
      }
      return sourceRun;
    } catch (RuntimeException e) {
      run.record(new RunStore.Node("source", definition.name(), definition.target(), "error", 0, 0,
          Duration.ofNanos(System.nanoTime() - start).toMillis(), "", "", String.valueOf(e.getMessage())));
      throw e;
    }
  }

  /**
   * Runs the selected models as this run (branch {@code floe_run_<run id>}) and, with
   * {@code withTests}, the tests of the models that ran; publishes when all pass. A model whose
   * fingerprint is unchanged is not run ({@code fullRefresh} runs every one). Records every model and test.
   */
  public RunReport models(ModelProject models, Set<String> selected, boolean withTests, boolean warningRows,
      boolean fullRefresh) {
    return models(models, selected, withTests, warningRows, fullRefresh, new Listener() { });
  }

  /** As above, telling {@code listener} of each model as it finishes. */
  public RunReport models(ModelProject models, Set<String> selected, boolean withTests, boolean warningRows,
      boolean fullRefresh, Listener listener) {
    throwIfCancelled();
    ModelRunner.Listener events = new ModelRunner.Listener() {
      @Override
      public void modelFinished(ModelResult model) {
        run.record(new RunStore.Node("model", model.model(), model.table(), label(model.status()),
            model.rowsWritten(), 0, model.millis(), model.snapshotId().map(String::valueOf).orElse(""), "",
            model.message()));
        listener.modelFinished(model);
      }

      @Override
      public boolean cancelled() {
        return run.isCancelled();
      }
    };
    RunReport report = profiled(
        () -> new ModelRunner(engine, models, warningRows, fullRefresh, events).run(run.id(), selected, withTests),
        (ran, profiler) -> {
          for (ModelResult model : ran.models()) {
            RunStore.Work work = work(profiler.take(run.id(), "model " + model.model()));
            if (!work.isEmpty()) {
              run.recordWork("model", model.model(), work);
            }
          }
          recordTests(ran.tests(), profiler);
        });
    if (report.published()) {
      for (ModelResult model : report.models()) {
        if (model.status() == ModelResult.Status.SUCCESS && model.snapshotId().isPresent()) {
          autoMaintain(model.table(), listener);
        }
      }
    }
    run.log(String.format(Locale.ROOT, "%d models, %d tests; %s", report.models().size(), report.tests().size(),
        report.nothingChanged() ? "nothing changed" : report.published() ? "published to main" : "nothing published"));
    // A stop asked for once the run had published (or found nothing to do) came after its work was done and
    // kept: the run ends as it is (see ProjectRun#finish), not as a cancel that discarded something.
    if (!report.published() && !report.nothingChanged()) {
      throwIfCancelled();
    }
    return report;
  }

  /**
   * What {@code floe build} does: loads what is new in {@code toIngest}, then runs the selected
   * models and their tests on the run's branch and publishes when they pass.
   */
  public RunReport build(ModelProject models, ProjectSources sources, List<SourceDefinition> toIngest,
      Set<String> selected, boolean warningRows, boolean fullRefresh, Listener listener) {
    if (!toIngest.isEmpty()) {
      ingest(sources, toIngest, listener);
    }
    return models(models, selected, true, warningRows, fullRefresh, listener);
  }

  /**
   * The sources a build of {@code selected} loads first: with no selector every source floe.yaml
   * declares; otherwise the sources whose tables the selection reaches (dbt's {@code build -s +model}
   * builds the model's upstream too).
   */
  public static List<SourceDefinition> sourcesOf(ProjectSources sources, List<String> selectors,
      Set<String> selected) {
    return selectors.isEmpty()
        ? sources.all()
        : sources.all().stream().filter(source -> selected.contains(source.target())).toList();
  }

  /** Runs the tests of the selected models against main, recording each. */
  public List<TestResult> test(ModelProject models, Set<String> selected, boolean warningRows) {
    return profiled(() -> new DataTestRunner(engine, models, warningRows).run(selected, Model::table),
        this::recordTests);
  }

  /**
   * Runs {@code work} with every Spark job tagged as this run's (threads it starts inherit the tag:
   * a cancel stops them), then, once Spark has delivered their events, hands its result and what
   * each model's and test's jobs did (the descriptions ModelRunner and DataTestRunner set) to
   * {@code record}. What no one took is dropped, so a failed run leaves nothing in the profiler.
   */
  private <T> T profiled(java.util.function.Supplier<T> work, java.util.function.BiConsumer<T, WorkProfiler> record) {
    String tag = WorkProfiler.runTag(run.id());
    org.apache.spark.SparkContext spark = engine.session().sparkContext();
    WorkProfiler profiler = WorkProfiler.of(spark);
    spark.addJobTag(tag);
    run.onCancel(() -> {
      io.floe.spark.RunCancellation.cancel(spark, tag);
      io.floe.spark.local.LocalExecutor.cancelAll(tag);
    });
    try {
      T result;
      try {
        result = work.get();
      } finally {
        spark.removeJobTag(tag);
      }
      profiler.awaitDelivered(WORK_DELIVERY_TIMEOUT_MILLIS);
      record.accept(result, profiler);
      return result;
    } finally {
      profiler.forget(run.id());
    }
  }

  /**
   * {@code floe maintain}: maintains each table by its policy in floe.yaml, recording a
   * {@code maintain} node per table. Orphan files are looked for whatever the policy's interval says.
   *
   * @throws FloeException the first table's failure, after recording it; the tables before it stay maintained
   */
  public List<MaintenanceResult> maintain(List<String> tables, Listener listener) {
    List<MaintenanceResult> results = new ArrayList<>();
    for (String table : tables) {
      throwIfCancelled();
      results.add(maintain(table, policies().forTable(table), true, listener));
    }
    return results;
  }

  /** Every table of the project's namespaces ({@code namespaces:} in floe.yaml), as namespace.table. */
  public List<String> projectTables() {
    Set<String> namespaces = Set.copyOf(engine.project().config().namespaces());
    return engine.tables().stream()
        .filter(id -> namespaces.contains(id.namespace().toString()))
        .map(Object::toString)
        .toList();
  }

  /** The maintenance policies of the project's floe.yaml. */
  public synchronized MaintenancePolicies policies() {
    if (policies == null) {
      policies = MaintenancePolicies.load(engine.project().configFile());
    }
    return policies;
  }

  // After a commit to `table`: maintains it when its policy is automatic and something is due. Deciding
  // reads the table's metadata only; a failure is recorded and told, and the commit stands.
  private void autoMaintain(String table, Listener listener) {
    MaintenancePolicy policy = policies().forTable(table);
    if (!policy.auto()) {
      return;
    }
    try {
      TableMaintenance maintenance = new TableMaintenance(engine);
      if (maintenance.due(engine.table(table), policy, false).any()) {
        maintain(table, policy, false, listener);
      }
    } catch (RuntimeException e) {
      LOG.warn("Automatic maintenance of {} failed; its data is committed. Run floe maintain {} to retry.", table,
          table, e);
      listener.maintenanceFailed(table, e);
    }
  }

  private MaintenanceResult maintain(String table, MaintenancePolicy policy, boolean explicit, Listener listener) {
    long start = System.nanoTime();
    try {
      MaintenanceResult result = new TableMaintenance(engine).maintain(table, policy, explicit,
          step -> listener.maintenanceStep(table, step));
      run.record(new RunStore.Node("maintain", table, table, "success", 0, 0, result.millis(), "", "",
          result.summary()));
      listener.maintained(result);
      return result;
    } catch (RuntimeException e) {
      run.record(new RunStore.Node("maintain", table, table, "error", 0, 0,
          Duration.ofNanos(System.nanoTime() - start).toMillis(), "", "", String.valueOf(e.getMessage())));
      throw e;
    }
  }

  private void throwIfCancelled() {
    if (run.isCancelled()) {
      throw FloeException.cancelled("Run %s was cancelled: what it had not published was discarded; batches it "
          + "had committed stay.", run.id());
    }
  }

  // A test's work is that of its own queries; the one pass that counts a model's row tests together
  // is shown on the first of them. Its time is that pass's on each: what the test waited for.
  private void recordTests(List<TestResult> tests, WorkProfiler profiler) {
    for (TestResult test : tests) {
      String detail = test.message().isEmpty() ? String.join("\n", test.sample()) : test.message();
      SparkWork work = profiler.take(run.id(), "test " + test.name())
          .plus(profiler.take(run.id(), "tests of " + test.model()));
      run.record(new RunStore.Node("test", test.name(), test.model(), label(test.status()), test.failures(), 0,
          test.millis(), "", "", detail, work(work)));
    }
  }

  private static RunStore.Work work(SparkWork work) {
    return new RunStore.Work(work.jobs(), work.cpuNanos() / 1_000_000, work.taskMillis(), work.gcMillis(),
        work.rowsRead(), work.shuffleBytes(), work.spillBytes(), work.rowsWritten(), work.bytesWritten());
  }

  private static String label(Enum<?> status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
