package io.floe.bench;

import io.floe.cli.JavaRuntimeCheck;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./bench [--quick] [--rows N] [--readings N] [--runs N] [--seed S] [--out DIR] [--write-docs]
 * [--only NAME[,NAME]]}:
 * measures Floe, plain Spark, DuckDB and PostgreSQL's COPY side by side; prints a table, writes
 * {@code DIR/benchmarks.json} (default bench-out/) and, with --write-docs, docs/benchmarks.md.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    JavaRuntimeCheck.exitIfUnsupported(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }
    Path json = run(options, System.out);
    System.out.println("Wrote " + json);
  }

  /**
   * Runs the bench and writes its outputs; prints the table to {@code out}.
   *
   * @return the JSON report's path
   */
  static Path run(BenchOptions options, PrintStream out) throws Exception {
    BenchReport report = BenchRun.run(options);
    out.print(report.terminalTable());
    Files.createDirectories(options.out());
    Path json = options.out().resolve("benchmarks.json");
    Files.writeString(json, report.json());
    if (options.writeDocs()) {
      String command = "./bench --rows " + options.csvRows() + " --readings " + options.readings() + " --runs "
          + options.runs() + " --write-docs";
      Files.createDirectories(options.docs().toAbsolutePath().getParent());
      Files.writeString(options.docs(), BenchmarksDoc.markdown(report, command));
      out.println("Wrote " + options.docs());
    }
    return json;
  }
}
