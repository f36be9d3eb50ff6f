package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.spark.FloeEngine;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;

@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = "List the tables of every namespace in the project's catalog.")
final class TablesCommand extends ProjectCommand {
  @Override
  int run(FloeEngine engine) {
    List<List<Object>> rows = new ArrayList<>();
    for (TableIdentifier table : engine.tables()) {
      rows.add(Tabular.row(table.namespace().toString(), table.name(), table.toString()));
    }
    print(new Tabular(List.of("namespace", "table", "name"), rows));
    return 0;
  }
}
