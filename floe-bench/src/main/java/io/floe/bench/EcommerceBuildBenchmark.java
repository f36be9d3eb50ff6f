package io.floe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.cli.FloeCli;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.ecommerce.GeneratedData;
import io.floe.examples.ecommerce.GeneratedFile;
import io.floe.examples.projects.ExampleProjects;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import io.floe.runtime.history.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Benchmarks 3 and 4: {@code floe build} of examples/ecommerce (seed 002: ingest, bronze, silver,
 * gold, 80 tests, publish) on the bench's CSV files, the rebuild after 1% new rows arrive, and the
 * rebuild when nothing new arrived (the floor every build pays).
 *
 * <p>Each is measured two ways: {@code floe} runs the command in a new JVM, as a user types it, so
 * the figure includes JVM and engine start (through the checkout's {@code ./floe}, with its JVM
 * options and class-data archive, when {@code ./bench} names it in {@code floe.launcher}; else with
 * this JVM's java command and class path); {@code floe_warm} runs it in this JVM, whose Spark
 * context is already up, as a long-running scheduler would. Per-model seconds come from the
 * build's own run history ({@code .floe/runs.db}). The new JVM's memory is not sampled: the heap
 * and RSS columns of {@code floe} rows are this JVM's.
 */
final class EcommerceBuildBenchmark {
  static final String MODELS = "ecommerce_models";
  static final String WORK = "ecommerce_work";
  // The run's log line of what the JVM did (see floe runs show), and the figures it gives.
  private static final java.util.regex.Pattern JVM_LINE = java.util.regex.Pattern.compile(
      "jvm: [0-9.]+ s wall, process cpu ([0-9.]+) s, jit compilation ([0-9.]+) s, gc ([0-9.]+) s");
  static final double INCREMENT_FRACTION = 0.01;

  /** The tool of the row that rebuilds in a new JVM as a schedule does, compared with the new JVM's full build. */
  static final String SCHEDULED = "floe_scheduled";

  static final String QUICK_SKIPS = "n/a (not run with --quick: the full build measures a new JVM)";

  private final Runs runs;
  private final GeneratedData csv;
  private final Path work;
  private final Path project;
  private final long seed;
  private final PlainSpark spark;
  private int increments;
  // ./floe of the checkout the bench runs from (set by ./bench), or null: then the new JVM is this
  // JVM's java command and class path.
  private final Path launcher = launcher();

  // --quick (CI): the reruns in a new JVM are left out; the full build measures a new JVM's start.
  private final boolean quick;

  EcommerceBuildBenchmark(Runs runs, GeneratedData csv, Path work, PlainSpark spark, long seed, boolean quick) {
    this.runs = runs;
    this.spark = spark;
    this.quick = quick;
    this.csv = csv;
    this.work = work;
    this.project = work.resolve("ecommerce");
    this.seed = seed;
  }

  List<Figure> run() throws IOException, InterruptedException {
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, project);
    Files.createDirectories(project.resolve("landing"));
    for (GeneratedFile file : csv.files()) {
      Files.createLink(project.resolve("landing").resolve(file.path().getFileName()), file.path());
    }
    prepareLauncher();
    String newJvm = (launcher != null ? "./floe build" : "floe build") + " in a new JVM";
    List<Figure> figures = new ArrayList<>();
    Map<String, List<Double>> modelSeconds = new LinkedHashMap<>();
    Map<String, List<Double>> workSeconds = new LinkedHashMap<>();
    figures.add(runs.measure(BenchRun.ECOMMERCE_BUILD, "floe",
        newJvm + " (JVM and engine start included)",
        this::reset, () -> build(false),
        () -> recordModels(modelSeconds, workSeconds)));
    figures.add(runs.measure(BenchRun.ECOMMERCE_BUILD, "floe_warm", "floe build in the bench's JVM (engine up)",
        this::reset, () -> build(true), () -> recordModels(modelSeconds, workSeconds)));
    // The pipeline peers build the same models from the same files without Floe; each one's gold
    // tables must equal those of Floe's last full build (read here, before the reruns change them).
    EcommercePipelinePeers peers = EcommercePipelinePeers.of(project, csv);
    peers.readFloeGold(project);
    Path duckDb = work.resolve("ecommerce-duckdb.db");
    figures.add(runs.measure(BenchRun.ECOMMERCE_BUILD, "duckdb",
        "DuckDB in-process: the same models' compiled SQL over the same CSV files (no tests)",
        () -> peers.resetDuckDb(duckDb), () -> peers.runDuckDb(duckDb), () -> peers.checkDuckDb(duckDb)));
    figures.add(runs.measure(BenchRun.ECOMMERCE_BUILD, "spark",
        "plain Spark SQL: the CSV files into Iceberg, then the same models' compiled SQL, CREATE TABLE AS (no tests)",
        () -> peers.resetSpark(spark), () -> peers.runSpark(spark), () -> peers.checkSpark(spark)));
    modelSeconds.forEach((model, seconds) -> figures.add(Figure.measured(MODELS, model,
        "seconds of model " + model + " inside the build (both ways)", seconds, -1, -1)));
    workSeconds.forEach((name, seconds) -> figures.add(Figure.measured(WORK, name, workLabel(name), seconds, -1, -1)));
    // Reruns start from the last full build; each adds a new 1% increment of every source.
    figures.add(quick ? Figure.notAvailable(BenchRun.INCREMENTAL_RERUN, "floe", newJvm + " after 1% new rows",
        QUICK_SKIPS) : runs.measure(BenchRun.INCREMENTAL_RERUN, "floe", newJvm + " after 1% new rows",
        this::addIncrement, () -> build(false), () -> { }));
    // As cron or a CI job runs it: the project's third build in a row or later, each in a new JVM. The builds
    // before it kept what they compiled in .floe/compiled-queries (the first build, its incremental models'
    // next queries too), which this build reads instead of having Spark compile them.
    String scheduled = newJvm + " after 1% new rows, the project's third build or later (the builds before it"
        + " untimed, each after its own 1% new rows): the queries earlier builds compiled are read from"
        + " .floe/compiled-queries";
    figures.add(quick ? Figure.notAvailable(BenchRun.INCREMENTAL_RERUN, SCHEDULED, scheduled, QUICK_SKIPS)
        : runs.measure(BenchRun.INCREMENTAL_RERUN, SCHEDULED, scheduled, () -> {
          addIncrement();
          build(false);
          addIncrement();
        }, () -> build(false), () -> { }));
    figures.add(runs.measure(BenchRun.INCREMENTAL_RERUN, "floe_warm",
        "floe build in the bench's JVM after 1% new rows", this::addIncrement, () -> build(true), () -> { }));
    // With nothing new, a build lists the sources, finds every model unchanged and runs nothing: its floor.
    figures.add(quick ? Figure.notAvailable(BenchRun.NOTHING_NEW_RERUN, "floe", newJvm + ", no new rows",
        QUICK_SKIPS) : runs.measure(BenchRun.NOTHING_NEW_RERUN, "floe", newJvm + ", no new rows",
        () -> { }, () -> build(false), () -> { }));
    figures.add(runs.measure(BenchRun.NOTHING_NEW_RERUN, "floe_warm", "floe build in the bench's JVM, no new rows",
        () -> { }, () -> build(true), () -> { }));
    // The engine up as a user keeps it up: a floe serve process, started as ./floe starts it (C1 alone, its
    // class-data archive; this JVM keeps the JIT options chosen for its Spark peers), on a project reset as for
    // the full builds above: its full build over HTTP, then a build after 1% new rows and one with nothing new.
    ServeBenchmark.Served[] warm = new ServeBenchmark.Served[1];
    try {
      figures.add(runs.measure(BenchRun.ECOMMERCE_BUILD, "floe_serve", "floe build triggered over HTTP in a floe"
          + " serve process (engine up), " + ServeBenchmark.where(launcher), () -> {
            stop(warm);
            reset();
            warm[0] = ServeBenchmark.serve(project, launcher);
          }, () -> ServeBenchmark.buildOverHttp(warm[0].url()), () -> { }));
      figures.add(runs.measure(BenchRun.INCREMENTAL_RERUN, "floe_serve", "the same server's next build, after 1%"
          + " new rows", this::addIncrement, () -> ServeBenchmark.buildOverHttp(warm[0].url()), () -> { }));
      figures.add(runs.measure(BenchRun.NOTHING_NEW_RERUN, "floe_serve", "the same server's next build, no new"
          + " rows", () -> { }, () -> ServeBenchmark.buildOverHttp(warm[0].url()), () -> { }));
    } finally {
      stop(warm);
    }
    // Benchmark 10: the same 1% run triggered over HTTP in floe serve: its first run after it started
    // (each measured run in a server started for it, untimed), then its runs on a schedule.
    ServeBenchmark.Served[] served = new ServeBenchmark.Served[1];
    try {
      figures.add(runs.measure(ServeBenchmark.RUN_1PCT, "floe_serve",
          "the first build of floe serve after 1% new rows, triggered over HTTP (POST /api/runs until it ends), in "
              + ServeBenchmark.where(launcher),
          () -> {
            stop(served);
            addIncrement();
            served[0] = ServeBenchmark.serve(project, launcher);
          }, () -> ServeBenchmark.buildOverHttp(served[0].url()), () -> { }));
      // The same once the server has run at least two builds since it started: what a server on a
      // schedule spends on every later run (see CompiledQueries).
      figures.add(runs.measure(ServeBenchmark.RUN_1PCT_STEADY, "floe_serve",
          "the same, after at least two earlier 1% runs of that server (one of them untimed, just before)",
          () -> {
            addIncrement();
            ServeBenchmark.buildOverHttp(served[0].url());
            addIncrement();
          }, () -> ServeBenchmark.buildOverHttp(served[0].url()), () -> { }));
    } finally {
      stop(served);
    }
    return figures;
  }

  private static void stop(ServeBenchmark.Served[] served) throws IOException, InterruptedException {
    if (served[0] != null) {
      served[0].close();
      served[0] = null;
    }
  }

  private static Path launcher() {
    String path = System.getProperty("floe.launcher");
    return path == null || !Files.isExecutable(Path.of(path)) ? null : Path.of(path);
  }

  // Untimed: on first use the launcher builds what is stale and prepares its class-data archive.
  private void prepareLauncher() throws IOException, InterruptedException {
    if (launcher != null && runLogged(List.of(launcher.toString(), "-p", project.toString(), "ls")) != 0) {
      throw new BenchException("Cannot run " + launcher + " ls. Its output:\n"
          + Files.readString(project.resolve("build.log"), StandardCharsets.UTF_8));
    }
  }

  // A full build starts from nothing: no tables, no run history, only the base files.
  private void reset() throws IOException {
    BenchFiles.deleteRecursively(project.resolve(".floe"));
    try (Stream<Path> files = Files.list(project.resolve("landing"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().contains("_increment_")).toList()) {
        Files.delete(file);
      }
    }
  }

  private void addIncrement() {
    increments++;
    EcommerceDataGenerator.generateIncrement(project.resolve("landing"), csv.totalRows(), INCREMENT_FRACTION,
        increments, seed);
  }

  private void build(boolean inThisJvm) throws IOException, InterruptedException {
    if (inThisJvm) {
      StringWriter out = new StringWriter();
      int exit = FloeCli.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
          .execute("-p", project.toString(), "build");
      check(exit, out.toString());
      return;
    }
    List<String> command = new ArrayList<>();
    if (launcher != null) {
      // The checkout's ./floe, as a user types it (its JVM options and class-data archive included).
      command.add(launcher.toString());
    } else {
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), FloeCli.class.getName()));
    }
    command.addAll(List.of("-p", project.toString(), "build"));
    check(runLogged(command), Files.readString(project.resolve("build.log"), StandardCharsets.UTF_8));
  }

  private int runLogged(List<String> command) throws IOException, InterruptedException {
    Path log = project.resolve("build.log");
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
  }

  private static void check(int exit, String output) {
    if (exit != 0 || !output.contains("Published to main.") && !output.contains("nothing changed")) {
      throw new BenchException("Cannot trust the figure of floe build: it exited with " + exit
          + " and neither published nor found nothing changed. Its output:\n" + output);
    }
  }

  // The models of the last run in the build's history, with their seconds; what their Spark tasks
  // and the tests' used of the CPU, and what the whole JVM spent on the CPU, in the JIT and in GC.
  private void recordModels(Map<String, List<Double>> modelSeconds, Map<String, List<Double>> workSeconds) {
    try (RunStore store = RunStore.open(project.resolve(".floe"))) {
      List<RunStore.Run> runs = store.runs(1);
      String runId = runs.get(runs.size() - 1).id();
      double testsCpu = 0;
      for (RunStore.Node node : store.nodes(runId)) {
        if (node.kind().equals("model")) {
          modelSeconds.computeIfAbsent(node.name(), model -> new ArrayList<>()).add(node.millis() / 1e3);
          workSeconds.computeIfAbsent(node.name(), model -> new ArrayList<>()).add(node.work().cpuMillis() / 1e3);
        } else if (node.kind().equals("test")) {
          testsCpu += node.work().cpuMillis() / 1e3;
        }
      }
      workSeconds.computeIfAbsent("all_tests", name -> new ArrayList<>()).add(testsCpu);
      for (String line : store.log(runId)) {
        java.util.regex.Matcher jvm = JVM_LINE.matcher(line);
        if (jvm.find()) {
          workSeconds.computeIfAbsent("jvm_process_cpu", name -> new ArrayList<>()).add(Double.parseDouble(jvm.group(1)));
          workSeconds.computeIfAbsent("jvm_jit_compilation", name -> new ArrayList<>())
              .add(Double.parseDouble(jvm.group(2)));
          workSeconds.computeIfAbsent("jvm_gc", name -> new ArrayList<>()).add(Double.parseDouble(jvm.group(3)));
        }
      }
    }
  }

  private static String workLabel(String name) {
    return switch (name) {
      case "all_tests" -> "CPU seconds of the Spark tasks of all 80 tests (both ways; DuckDB's work is only in the JVM's)";
      case "jvm_process_cpu" -> "CPU seconds of the whole JVM during the run (both ways)";
      case "jvm_jit_compilation" -> "seconds the JIT compiler spent during the run (both ways)";
      case "jvm_gc" -> "seconds of garbage collection during the run (both ways)";
      default -> "CPU seconds of the Spark tasks of model " + name + " (both ways; 0 when DuckDB ran it)";
    };
  }

}
