package io.floe.cli.command;

import io.floe.cli.output.Tabular;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run one SQL statement (Spark SQL) against the project's catalog and print the result.",
      "Tables are namespace.table; time travel: SELECT * FROM t VERSION AS OF <snapshot-id|tag|branch>",
      "or TIMESTAMP AS OF '2026-01-01 00:00:00'."
    })
final class SqlCommand extends ProjectCommand {
  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL statement.")
  String query;

  @Option(
      names = "--limit",
      defaultValue = "1000",
      description = "Print at most this many rows. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Override
  int run(FloeEngine engine) {
    QueryResult result = engine.sql(query, limit);
    if (result.isCommand()) {
      confirm("OK", Map.of("status", "ok"));
      return 0;
    }
    print(new Tabular(result.columns(), result.rows()));
    if (result.truncated()) {
      spec.commandLine().getErr().println("(showing the first " + limit + " rows; see --limit)");
      spec.commandLine().getErr().flush();
    }
    return 0;
  }
}
