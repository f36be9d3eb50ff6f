package io.floe.cli.demo;

import static java.util.Objects.requireNonNull;

import io.floe.cli.output.OutputFormat;
import io.floe.cli.output.Tabular;
import io.floe.cli.output.TabularPrinter;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import io.floe.spark.table.SnapshotInfo;
import io.floe.spark.table.TableVersions;
import java.io.PrintWriter;
import java.util.List;

/**
 * The tour {@code floe demo} gives on the embedded default: a partitioned Iceberg table filled in
 * two loads and a delete, its snapshots, a tag, and time travel back to the first load.
 */
public final class Demo {
  static final String TABLE = "bronze.orders";

  private final FloeEngine engine;
  private final PrintWriter out;

  public Demo(FloeEngine engine, PrintWriter out) {
    this.engine = requireNonNull(engine, "engine is null");
    this.out = requireNonNull(out, "out is null");
  }

  /** Runs the tour and returns the snapshots it made, oldest first. */
  public List<SnapshotInfo> run(int firstLoadRows, int secondLoadRows) {
    step("Creating " + TABLE + " (Iceberg v2, Parquet + zstd, partitioned by days(ordered_at))");
    sql(
        "CREATE TABLE "
            + TABLE
            + " (order_id BIGINT, customer STRING, amount DECIMAL(10,2), status STRING,"
            + " ordered_at TIMESTAMP) PARTITIONED BY (days(ordered_at))");

    step("Load 1: " + firstLoadRows + " orders");
    sql(insertOrders(0, firstLoadRows));
    long firstSnapshot = versions().snapshots().get(0).snapshotId();
    versions().createTag("first_load", firstSnapshot);

    step("Load 2: " + secondLoadRows + " more orders");
    sql(insertOrders(firstLoadRows, secondLoadRows));

    step("Deleting cancelled orders (a row-level delete is one more snapshot)");
    sql("DELETE FROM " + TABLE + " WHERE status = 'cancelled'");

    List<SnapshotInfo> snapshots = versions().snapshots();
    step("Snapshots of " + TABLE + " (floe snapshots " + TABLE + ")");
    TabularPrinter.print(
        out,
        OutputFormat.TABLE,
        new Tabular(
            List.of("snapshot_id", "committed_at", "operation", "added", "deleted", "total", "refs"),
            snapshots.stream()
                .map(
                    s ->
                        Tabular.row(
                            s.snapshotId(), s.committedAt(), s.operation(), s.addedRecords(),
                            s.deletedRecords(), s.totalRecords(), String.join(",", s.refs())))
                .toList()));

    step("Time travel: the table now, and as of the tag first_load");
    query(
        "SELECT 'current' AS version, count(*) AS orders, sum(amount) AS revenue FROM "
            + TABLE
            + " UNION ALL SELECT 'first_load', count(*), sum(amount) FROM "
            + TABLE
            + " VERSION AS OF 'first_load'");

    step("Orders per day, current version");
    query(
        "SELECT date(ordered_at) AS day, count(*) AS orders, sum(amount) AS revenue FROM "
            + TABLE
            + " GROUP BY 1 ORDER BY 1");
    return snapshots;
  }

  // Deterministic generated orders: ids from `from`, spread over seven days, 1 in 10 cancelled.
  private static String insertOrders(int from, int count) {
    return "INSERT INTO "
        + TABLE
        + " SELECT id, concat('customer_', id % 97), CAST((id * 37 % 10000) / 100.0 AS"
        + " DECIMAL(10,2)), CASE WHEN id % 10 = 0 THEN 'cancelled' ELSE 'paid' END,"
        + " TIMESTAMP '2026-01-01 00:00:00' + make_interval(0, 0, 0, CAST(id % 7 AS INT),"
        + " CAST(id % 24 AS INT)) FROM range("
        + from
        + ", "
        + (from + count)
        + ")";
  }

  private TableVersions versions() {
    return new TableVersions(TABLE, engine.table(TABLE));
  }

  private void sql(String statement) {
    engine.sql(statement, 0);
  }

  private void query(String statement) {
    QueryResult result = engine.sql(statement, 100);
    TabularPrinter.print(out, OutputFormat.TABLE, new Tabular(result.columns(), result.rows()));
  }

  private void step(String message) {
    out.println();
    out.println("==> " + message);
    out.flush();
  }
}
