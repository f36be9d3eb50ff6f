package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.core.project.Project;
import io.floe.ingest.Ingestion;
import io.floe.ingest.ProjectSources;
import io.floe.ingest.SourceRun;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.floe.runtime.FloeRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Load what is new in sources into their bronze tables, exactly once.",
      "Each batch's rows and the source's position go into one Iceberg snapshot, so a run that stops",
      "(an error, a kill) resumes after the last batch committed."
    })
final class IngestCommand extends WritingCommand {
  @Parameters(arity = "0..*", paramLabel = "SOURCE", description = "Sources to load (default: all, in floe.yaml order).")
  List<String> names = new ArrayList<>();

  @picocli.CommandLine.Option(names = "--follow", description = {
      "Keep following the sources' logs (postgres-cdc): commit new changes every commit-interval until",
      "Ctrl-C or SIGTERM, which commits what was read and stops. Each source follows in a thread of its own."})
  boolean follow;


  private ProjectSources sources;
  private List<SourceDefinition> selected;

  @Override
  void check(Project project) {
    sources = ProjectSources.load(project);
    selected = sources.select(names);
  }

  @Override
  int run(FloeEngine engine) {
    List<Map<String, Object>> results = new ArrayList<>();
    FloeRuntime.Listener listener = printing(spec.commandLine().getErr(), run -> {
      synchronized (results) {
        if (output == OutputFormat.JSON) {
          results.add(asJson(run));
        } else {
          out().println(summary(run));
          out().flush();
        }
      }
    });
    if (follow) {
      runtime(engine).follow(sources, selected, listener);
    } else {
      runtime(engine).ingest(sources, selected, listener);
    }
    if (output == OutputFormat.JSON) {
      confirm("", results);
    }
    return 0;
  }

  /** Batch progress on {@code err} (see {@link #progressTo}); each finished source to {@code finished}. */
  static FloeRuntime.Listener printing(PrintWriter err, java.util.function.Consumer<SourceRun> finished) {
    Ingestion.Progress progress = progressTo(err);
    return new FloeRuntime.Listener() {
      @Override
      public void batchCommitted(SourceDefinition source, io.floe.ingest.spi.Batch batch,
          io.floe.ingest.bronze.BatchResult result, int done, int total, long bytesDone, long bytesTotal,
          java.time.Duration elapsed) {
        progress.batchCommitted(source, batch, result, done, total, bytesDone, bytesTotal, elapsed);
      }

      @Override
      public void sourceFinished(SourceRun run) {
        finished.accept(run);
      }

      // Automatic maintenance goes to stderr: stdout stays what the command reports.
      @Override
      public void maintained(io.floe.spark.maintenance.MaintenanceResult result) {
        err.println("maintained " + result.summary());
        err.flush();
      }

      @Override
      public void maintenanceFailed(String table, RuntimeException failure) {
        err.println("warning: automatic maintenance of " + table + " failed (its data is committed): "
            + failure.getMessage() + " Run 'floe maintain " + table + "' to retry.");
        err.flush();
      }
    };
  }

  /**
   * Batch progress of sources with more than one batch, on {@code err}: stdout stays the summary (or
   * JSON) a script reads.
   */
  static Ingestion.Progress progressTo(PrintWriter err) {
    return (source, batch, result, done, total, bytesDone, bytesTotal, elapsed) -> {
      if (total == 0 || total == 1) {
        return;
      }
      if (total < 0) {
        // A stream: no plan to count against, the rows so far instead.
        err.printf(Locale.ROOT, "%s: batch %d (%s), %,d rows%n", source.name(), done, batch.description(),
            result.rowsWritten());
        err.flush();
        return;
      }
      double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
      double rate = bytesDone / 1e6 / seconds;
      long eta = bytesDone == 0 ? 0 : Math.round(seconds * (bytesTotal - bytesDone) / bytesDone);
      err.printf(Locale.ROOT, "%s: batch %d/%d (%s), %,d rows, %.1f MB/s, ETA %ds%n", source.name(), done, total,
          batch.description(), result.rowsWritten(), rate, eta);
      err.flush();
    };
  }

  static String summary(SourceRun run) {
    if (run.batches() == 0) {
      return String.format(Locale.ROOT, "%s -> %s: nothing new (%s)", run.source(), run.table(), run.position());
    }
    double seconds = run.elapsed().toMillis() / 1e3;
    String batches = run.batches() == 1 ? "batch" : "batches";
    // A database source has no byte count to speak of: its rate is in rows.
    StringBuilder line = new StringBuilder(run.bytes() > 0
        ? String.format(Locale.ROOT, "%s -> %s: %,d rows in %d %s, %.1f MB in %.1f s (%.1f MB/s)", run.source(),
            run.table(), run.rowsWritten(), run.batches(), batches, run.bytes() / 1e6, seconds,
            run.megabytesPerSecond())
        : String.format(Locale.ROOT, "%s -> %s: %,d rows in %d %s in %.1f s (%,.0f rows/s)", run.source(),
            run.table(), run.rowsWritten(), run.batches(), batches, seconds,
            run.rowsWritten() / Math.max(seconds, 1e-3)));
    if (run.rejects() > 0) {
      line.append(String.format(Locale.ROOT, ", %,d rejected (see %s__rejects)", run.rejects(), run.table()));
    }
    if (!run.schemaChanges().isEmpty()) {
      line.append(", schema: ").append(String.join(", ", run.schemaChanges()));
    }
    return line.append("; position: ").append(run.position()).toString();
  }

  private static Map<String, Object> asJson(SourceRun run) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("source", run.source());
    json.put("table", run.table());
    json.put("batches", run.batches());
    json.put("rows_read", run.rowsRead());
    json.put("rows_written", run.rowsWritten());
    json.put("rejects", run.rejects());
    json.put("bytes", run.bytes());
    json.put("seconds", run.elapsed().toMillis() / 1e3);
    json.put("schema_changes", run.schemaChanges());
    json.put("position", run.position());
    return json;
  }
}
