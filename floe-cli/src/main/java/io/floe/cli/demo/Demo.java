package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.ecommerce.GeneratedData;
import io.floe.examples.projects.ExampleProjects;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.TableVersions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The tour {@code floe demo} gives: the e-commerce lakehouse of {@code examples/ecommerce} (seed 002)
 * on generated data. It builds the project (ingest, bronze, silver, gold, tests, publish), prints the
 * gold tables, then adds 1% new rows and builds again incrementally, and ends with time travel.
 */
public final class Demo {
  static final long SEED = 42;
  static final double INCREMENT_FRACTION = 0.01;
  static final String FIRST_BUILD_TAG = "first_build";

  private final Path root;
  private final PrintWriter out;
  private final DemoConsole console;

  public Demo(Path root, PrintWriter out, PrintWriter err) {
    this.root = requireNonNull(root, "root is null");
    this.out = requireNonNull(out, "out is null");
    this.console = new DemoConsole(root, out, err);
  }

  /** Runs the tour on {@code rows} generated rows; returns the exit code of the first failing step, else 0. */
  public int run(long rows) {
    console.step("Laying out examples/ecommerce (seed 002: four CSV sources, bronze -> silver -> gold)");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, root).forEach(file -> out.println("  " + file));

    GeneratedData data = EcommerceDataGenerator.generate(root.resolve("landing"), rows, SEED);
    console.step(String.format(Locale.ROOT, "Generated %,d rows (%.1f MB of CSV) into landing/", data.totalRows(),
        data.totalBytes() / 1e6));

    console.step("floe build: ingest the new files into raw.*, run the 11 models on a branch, run their tests,"
        + " publish to main");
    int exit = console.floe("build");
    if (exit != 0) {
      return exit;
    }
    try (FloeEngine engine = FloeEngine.open(Project.load(root))) {
      TableVersions daily = new TableVersions("gold.daily_metrics", engine.table("gold.daily_metrics"));
      daily.createTag(FIRST_BUILD_TAG, null);
      printGold(engine);

      GeneratedData increment = EcommerceDataGenerator.generateIncrement(root.resolve("landing"), rows,
          INCREMENT_FRACTION, 1, SEED);
      console.step(String.format(Locale.ROOT, "%,d new rows arrive (1%%, the week after the data): floe build again."
          + " Only they are read; the incremental models merge what changed", increment.totalRows()));
      exit = console.floe("build");
      if (exit != 0) {
        return exit;
      }
      console.step("Time travel: gold.daily_metrics now, and as of the tag " + FIRST_BUILD_TAG);
      console.query(engine, "SELECT 'now' AS version, count(*) AS days, sum(total_revenue) AS revenue,"
          + " sum(total_orders) AS orders FROM gold.daily_metrics"
          + " UNION ALL SELECT '" + FIRST_BUILD_TAG + "', count(*), sum(total_revenue), sum(total_orders)"
          + " FROM gold.daily_metrics VERSION AS OF '" + FIRST_BUILD_TAG + "'");
    }
    return 0;
  }

  private void printGold(FloeEngine engine) {
    console.step("gold.customer_summary by segment");
    console.query(engine, "SELECT customer_segment, count(*) AS customers, round(avg(total_ltv), 2) AS avg_ltv,"
        + " round(avg(total_orders), 1) AS avg_orders, round(avg(conversion_rate), 3) AS avg_conversion,"
        + " sum(support_tickets_count) AS tickets FROM gold.customer_summary GROUP BY 1 ORDER BY 2 DESC");
    console.step("gold.daily_metrics, the last 7 days");
    console.query(engine, "SELECT metric_date, total_revenue, total_orders, avg_order_value, total_customers,"
        + " fraud_flag_count, total_sessions FROM gold.daily_metrics ORDER BY metric_date DESC LIMIT 7");
    console.step("gold.product_summary, the top 5 by revenue");
    console.query(engine, "SELECT product_id, product_views, product_purchases, conversion_rate, revenue_generated,"
        + " current_stock_level FROM gold.product_summary ORDER BY revenue_generated DESC NULLS LAST LIMIT 5");
  }

  /** Checks the data generator accepts the row count before anything is written. */
  public static void checkRows(long rows) {
    if (rows < 100) {
      throw FloeException.user("Cannot run the demo on %d rows: give --rows 100 or more.", rows);
    }
  }
}
