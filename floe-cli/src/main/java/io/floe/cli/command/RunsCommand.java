package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.runtime.history.RunStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    subcommands = RunsCommand.Show.class,
    description = {
      "Run history (.floe/runs.db): each build, run, test and ingest with its status and duration.",
      "'floe runs show ID' shows one run: its ingest batches, models, tests and log."
    })
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
  OutputFormat output = OutputFormat.TABLE;

  @Option(names = {"-n", "--last"}, paramLabel = "N", defaultValue = "50",
      description = "Show the last N runs. Default: ${DEFAULT-VALUE}.")
  int last = 50;

  @Override
  public Integer call() {
    Project project = Project.load(((FloeCommand) spec.root().userObject()).projectDir());
    List<List<Object>> rows = new ArrayList<>();
    try (RunStore store = RunStore.open(project.stateDir())) {
      for (RunStore.Run run : store.runs(last)) {
        rows.add(Tabular.row(run.id(), run.command(), run.status().label(), run.startedAt().toString(),
            seconds(run), run.message().isEmpty() ? null : run.message()));
      }
    }
    TabularPrinter.print(spec.commandLine().getOut(), output, new Tabular(
        List.of("run", "command", "status", "started", "seconds", "message"), rows));
    return 0;
  }

  private static Object seconds(RunStore.Run run) {
    return run.finishedAt().map(end -> String.format(java.util.Locale.ROOT, "%.1f",
        Duration.between(run.startedAt(), end).toMillis() / 1e3)).orElse(null);
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One run: its status, then each node (ingest batch, source, model, test) in order, then its log.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The run's id, as 'floe runs' lists it.")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    OutputFormat output = OutputFormat.TABLE;

    @Override
    public Integer call() {
      Project project = Project.load(((FloeCommand) spec.root().userObject()).projectDir());
      PrintWriter out = spec.commandLine().getOut();
      try (RunStore store = RunStore.open(project.stateDir())) {
        RunStore.Run run = store.run(id).orElseThrow(() -> FloeException.user(
            "Cannot show run '%s': there is no such run in %s. Run 'floe runs' to list them.", id,
            project.stateDir().resolve(RunStore.FILE_NAME)));
        List<List<Object>> rows = new ArrayList<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (RunStore.Node node : store.nodes(id)) {
          rows.add(Tabular.row(node.kind(), node.name(), node.target(), node.status(), node.rows(),
              node.bytes() == 0 ? null : node.bytes(), node.millis(), blank(work(node.work())),
              blank(node.snapshotId()), blank(shorten(node.position())),
              blank(node.detail().lines().findFirst().orElse(""))));
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("kind", node.kind());
          json.put("name", node.name());
          json.put("target", node.target());
          json.put("status", node.status());
          json.put("rows", node.rows());
          json.put("bytes", node.bytes());
          json.put("millis", node.millis());
          json.put("snapshot_id", node.snapshotId());
          json.put("position", node.position());
          json.put("detail", node.detail());
          RunStore.Work work = node.work();
          Map<String, Object> spark = new LinkedHashMap<>();
          spark.put("jobs", work.jobs());
          spark.put("cpu_millis", work.cpuMillis());
          spark.put("task_millis", work.taskMillis());
          spark.put("gc_millis", work.gcMillis());
          spark.put("rows_read", work.rowsRead());
          spark.put("shuffle_bytes", work.shuffleBytes());
          spark.put("spill_bytes", work.spillBytes());
          spark.put("rows_written", work.rowsWritten());
          spark.put("bytes_written", work.bytesWritten());
          json.put("spark", spark);
          nodes.add(json);
        }
        List<String> log = store.log(id);
        if (output == OutputFormat.JSON) {
          Map<String, Object> json = new LinkedHashMap<>();
          json.put("run", run.id());
          json.put("command", run.command());
          json.put("status", run.status().label());
          json.put("started_at", run.startedAt().toString());
          json.put("finished_at", run.finishedAt().map(Object::toString).orElse(null));
          json.put("message", run.message());
          json.put("nodes", nodes);
          json.put("log", log);
          TabularPrinter.printJson(out, json);
          return 0;
        }
        out.printf("Run %s: %s, %s%s%n", run.id(), run.command(), run.status().label(),
            run.message().isEmpty() ? "" : " (" + run.message() + ")");
        TabularPrinter.print(out, output, new Tabular(List.of("kind", "name", "table", "status", "rows", "bytes",
            "millis", "spark", "snapshot", "position", "detail"), rows));
        log.forEach(line -> out.println("log: " + line));
        out.flush();
        return 0;
      }
    }

    // What the node's Spark tasks did, e.g. "4.9 s cpu, read 4.0M rows, shuffled 38 MB, wrote 100k rows".
    static String work(RunStore.Work work) {
      if (work.isEmpty()) {
        return "";
      }
      StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%.1f s cpu", work.cpuMillis() / 1e3));
      if (work.rowsRead() > 0) {
        text.append(", read ").append(count(work.rowsRead())).append(" rows");
      }
      if (work.shuffleBytes() > 0) {
        text.append(", shuffled ").append(megabytes(work.shuffleBytes()));
      }
      if (work.spillBytes() > 0) {
        text.append(", spilled ").append(megabytes(work.spillBytes()));
      }
      if (work.rowsWritten() > 0) {
        text.append(", wrote ").append(count(work.rowsWritten())).append(" rows");
      }
      return text.toString();
    }

    private static String count(long n) {
      return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6)
          : n >= 10_000 ? (n / 1000) + "k" : String.valueOf(n);
    }

    private static String megabytes(long bytes) {
      return bytes >= 100_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6)
          : String.format(Locale.ROOT, "%d kB", Math.max(1, bytes / 1000));
    }

    private static Object blank(String text) {
      return text.isEmpty() ? null : text;
    }

    // A file source's position lists every file loaded: the table shows its start.
    private static String shorten(String position) {
      return position.length() <= 60 ? position : position.substring(0, 57) + "...";
    }
  }
}
