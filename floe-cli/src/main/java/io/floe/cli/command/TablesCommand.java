package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.spark.FloeEngine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.iceberg.catalog.TableIdentifier;
import picocli.CommandLine.Command;

@Command(
    name = "tables",
    mixinStandardHelpOptions = true,
    description = "List the tables and views of every namespace in the project's catalog, by name.")
final class TablesCommand extends ProjectCommand {
  @Override
  int run(FloeEngine engine) {
    List<List<Object>> rows = new ArrayList<>();
    for (TableIdentifier table : engine.tables()) {
      rows.add(Tabular.row(table.namespace().toString(), table.name(), table.toString(), "table"));
    }
    for (TableIdentifier view : engine.views()) {
      rows.add(Tabular.row(view.namespace().toString(), view.name(), view.toString(), "view"));
    }
    rows.sort(Comparator.comparing((List<Object> row) -> row.get(2).toString())
        .thenComparing(row -> row.get(3).toString()));
    print(new Tabular(List.of("namespace", "table", "name", "kind"), rows));
    return 0;
  }
}
