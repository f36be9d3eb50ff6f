package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.cli.FloeCli;
import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import java.io.PrintWriter;
import java.nio.file.Path;

/** What a demo prints: its steps, the real commands it runs in this JVM, and query results as tables. */
final class DemoConsole {
  private final Path root;
  private final PrintWriter out;
  private final PrintWriter err;

  DemoConsole(Path root, PrintWriter out, PrintWriter err) {
    this.root = requireNonNull(root, "root is null");
    this.out = requireNonNull(out, "out is null");
    this.err = requireNonNull(err, "err is null");
  }

  PrintWriter out() {
    return out;
  }

  // A step is the real command, run in this JVM: the same output a user gets from ./floe.
  int floe(String command) {
    out.println("$ floe " + command);
    out.flush();
    int exit = FloeCli.newCommandLine().setOut(out).setErr(err).execute("--project", root.toString(), command);
    if (exit != 0) {
      err.println("The demo stopped: floe " + command + " exited with " + exit + ".");
      err.flush();
    }
    return exit;
  }

  void query(FloeEngine engine, String sql) {
    QueryResult result = engine.sql(sql, 100);
    TabularPrinter.print(out, OutputFormat.TABLE, new Tabular(result.columns(), result.rows()));
  }

  /** Runs statements in one database of a demo's embedded PostgreSQL. */
  static void execute(io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres, String database,
      String... statements) throws java.sql.SQLException {
    try (java.sql.Connection connection = postgres.getDatabase("postgres", database).getConnection();
        java.sql.Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  void step(String message) {
    out.println();
    out.println("==> " + message);
    out.flush();
  }
}
