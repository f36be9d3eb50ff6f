package io.floe.cli.command;

import io.floe.spark.FloeEngine;
import io.floe.spark.table.TableVersions;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Roll a table's main branch back to an earlier snapshot (one atomic metadata commit).",
      "The snapshot must be an ancestor of the current one; see 'floe snapshots TABLE'."
    })
final class RollbackCommand extends ProjectCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "namespace.table")
  String table;

  @Option(names = "--to", required = true, paramLabel = "SNAPSHOT_ID", description = "Target.")
  long snapshotId;

  @Override
  int run(FloeEngine engine) {
    new TableVersions(table, engine.table(table)).rollbackTo(snapshotId);
    confirm(
        "Rolled back " + table + " to snapshot " + snapshotId,
        Map.of("table", table, "current_snapshot_id", snapshotId));
    return 0;
  }
}
