package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.SnapshotInfo;
import io.floe.spark.table.TableVersions;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "snapshots",
    mixinStandardHelpOptions = true,
    description = "List a table's snapshots, oldest first, with the branches and tags on each.")
final class SnapshotsCommand extends ProjectCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "namespace.table")
  String table;

  @Override
  int run(FloeEngine engine) {
    List<SnapshotInfo> snapshots = new TableVersions(table, engine.table(table)).snapshots();
    print(
        new Tabular(
            List.of(
                "snapshot_id", "parent_id", "committed_at", "operation", "added_records",
                "deleted_records", "total_records", "current", "refs"),
            snapshots.stream()
                .map(
                    s ->
                        Tabular.row(
                            s.snapshotId(), s.parentId(), s.committedAt(), s.operation(),
                            s.addedRecords(), s.deletedRecords(), s.totalRecords(), s.current(),
                            String.join(",", s.refs())))
                .toList()));
    return 0;
  }
}
