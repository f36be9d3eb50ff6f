package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.RefInfo;
import io.floe.spark.table.TableVersions;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The create, list and drop verbs shared by {@code floe branch} and {@code floe tag}: the two
 * differ only in which kind of Iceberg ref they touch.
 */
final class RefCommands {
  private RefCommands() {}

  enum Kind {
    BRANCH,
    TAG;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  abstract static class Create extends ProjectCommand {
    private final Kind kind;

    @Parameters(index = "0", paramLabel = "TABLE", description = "namespace.table")
    String table;

    @Parameters(index = "1", paramLabel = "NAME", description = "Name of the new ref.")
    String name;

    @Option(
        names = "--snapshot",
        paramLabel = "ID",
        description = "Snapshot to point at. Default: the table's current snapshot.")
    Long snapshotId;

    Create(Kind kind) {
      this.kind = kind;
    }

    @Override
    int run(FloeEngine engine) {
      TableVersions versions = new TableVersions(table, engine.table(table));
      long at =
          kind == Kind.BRANCH
              ? versions.createBranch(name, snapshotId)
              : versions.createTag(name, snapshotId);
      confirm(
          "Created " + kind.word() + " " + name + " of " + table + " at snapshot " + at,
          Map.of("table", table, kind.word(), name, "snapshot_id", at));
      return 0;
    }
  }

  abstract static class List extends ProjectCommand {
    private final Kind kind;

    @Parameters(index = "0", paramLabel = "TABLE", description = "namespace.table")
    String table;

    List(Kind kind) {
      this.kind = kind;
    }

    @Override
    int run(FloeEngine engine) {
      java.util.List<RefInfo> refs =
          new TableVersions(table, engine.table(table)).refs(kind == Kind.BRANCH);
      print(
          new Tabular(
              java.util.List.of("name", "type", "snapshot_id", "max_ref_age_ms"),
              refs.stream()
                  .map(r -> Tabular.row(r.name(), r.type(), r.snapshotId(), r.maxRefAgeMs()))
                  .toList()));
      return 0;
    }
  }

  abstract static class Drop extends ProjectCommand {
    private final Kind kind;

    @Parameters(index = "0", paramLabel = "TABLE", description = "namespace.table")
    String table;

    @Parameters(index = "1", paramLabel = "NAME", description = "Name of the ref to drop.")
    String name;

    Drop(Kind kind) {
      this.kind = kind;
    }

    @Override
    int run(FloeEngine engine) {
      TableVersions versions = new TableVersions(table, engine.table(table));
      if (kind == Kind.BRANCH) {
        versions.dropBranch(name);
      } else {
        versions.dropTag(name);
      }
      confirm(
          "Dropped " + kind.word() + " " + name + " of " + table,
          Map.of("table", table, kind.word(), name, "dropped", true));
      return 0;
    }
  }
}
