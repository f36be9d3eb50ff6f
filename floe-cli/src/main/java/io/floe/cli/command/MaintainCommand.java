package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.runtime.FloeRuntime;
import io.floe.spark.FloeEngine;
import io.floe.spark.maintenance.MaintenanceResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Keep tables healthy by their maintenance: policies in floe.yaml: compact small files, expire old",
      "snapshots (never one a tag or branch points to, nor the history a source's position is read from),",
      "remove orphan files older than the safety age, rewrite manifests. Holds the project's writer lock."
    })
final class MaintainCommand extends WritingCommand {
  @Parameters(arity = "0..*", paramLabel = "TABLE",
      description = "Tables to maintain, as namespace.table (default: every table of the project's namespaces).")
  List<String> tables = new ArrayList<>();

  @Override
  int run(FloeEngine engine) {
    FloeRuntime runtime = runtime(engine);
    List<String> names = tables.isEmpty() ? runtime.projectTables() : tables;
    // Unknown names fail before any table is touched.
    names.forEach(engine::table);
    PrintWriter err = spec.commandLine().getErr();
    int[] done = {0};
    FloeRuntime.Listener progress = new FloeRuntime.Listener() {
      @Override
      public void maintenanceStep(String table, String step) {
        err.printf("%s (%d/%d): %s%n", table, done[0] + 1, names.size(), step);
        err.flush();
      }

      @Override
      public void maintained(MaintenanceResult result) {
        done[0]++;
      }
    };
    List<MaintenanceResult> results = runtime.maintain(names, progress);
    print(new Tabular(
        List.of("table", "files_before", "files_after", "files_compacted", "files_written", "snapshots_expired",
            "orphans_removed", "manifests_before", "manifests_after", "actions", "seconds"),
        results.stream().map(r -> Tabular.row(r.table(), r.filesBefore(), r.filesAfter(), r.filesRewritten(),
            r.filesAdded(), r.snapshotsExpired(), r.orphansRemoved(), r.manifestsBefore(), r.manifestsAfter(),
            r.actions().isEmpty() ? "nothing due" : String.join(",", r.actions()), r.millis() / 1000.0)).toList()));
    return 0;
  }
}
