package io.floe.cli.command;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.TableDescription;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description =
        "Show a table: schema, partitioning, sort order, properties, rows, current snapshot.")
final class ShowCommand extends ProjectCommand {
  @Parameters(index = "0", paramLabel = "TABLE", description = "namespace.table")
  String table;

  @Override
  int run(FloeEngine engine) {
    TableDescription description = TableDescription.of(table, engine.table(table));
    if (output == OutputFormat.JSON) {
      TabularPrinter.printJson(out(), description);
      return 0;
    }
    Tabular schema =
        new Tabular(
            List.of("id", "column", "type", "required", "doc"),
            description.columns().stream()
                .map(c -> Tabular.row(c.id(), c.name(), c.type(), c.required(), c.doc() == null ? "" : c.doc()))
                .toList());
    if (output == OutputFormat.CSV) {
      print(schema);
      return 0;
    }
    PrintWriter out = out();
    out.println("Table:            " + description.name());
    out.println("Location:         " + description.location());
    out.println("Format version:   " + description.formatVersion());
    out.println("Rows:             " + description.rows());
    out.println("Data files:       " + description.dataFiles());
    out.println(
        "Current snapshot: "
            + (description.currentSnapshotId() == null
                ? "none (empty table)"
                : description.currentSnapshotId() + " at " + description.currentSnapshotAt()));
    out.println("Partitioning:     " + orNone(description.partitioning()));
    out.println("Sort order:       " + orNone(description.sortOrder()));
    out.println();
    print(schema);
    out.println();
    out.println("Properties:");
    description.sortedProperties().forEach((k, v) -> out.println("  " + k + " = " + v));
    out.flush();
    return 0;
  }

  private static String orNone(List<String> terms) {
    return terms.isEmpty() ? "none" : String.join(", ", terms);
  }
}
