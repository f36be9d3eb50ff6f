package io.floe.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import io.floe.spark.local.LocalQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query DuckDB ran once (twice, for one with a watermark as its parameter) runs again, in a later run or
 * process, without Spark analyzing it, and its rows are
 * still Spark's rows for the tables as they are then: new snapshots, another run's branch, files a
 * partition filter prunes. What it was compiled for changing (a column added, a view replaced) makes
 * Spark analyze it again; a query whose SQL holds for one moment or one snapshot is never kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompiledQueriesTest {
  @TempDir static Path dir;
  FloeEngine engine;
  final DuckDbExecutor executor = new DuckDbExecutor();

  @BeforeAll
  void open() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: c\nengine:\n  shuffle-partitions: 2\n");
    engine = FloeEngine.open(Project.load(dir));
  }

  @AfterAll
  void close() {
    engine.close();
  }

  @Test
  void aQueryRunAgainReadsTheRowsCommittedSinceWithoutSparkAnalyzingIt() {
    sql("CREATE TABLE silver.orders (id INT, k STRING, amount DECIMAL(10,2)) USING iceberg");
    sql("INSERT INTO silver.orders VALUES (1, 'a', 1.50), (2, 'b', 2.25), (3, 'a', NULL)");
    String query = "WITH totals AS (SELECT k, count(*) AS n, sum(amount) AS total FROM silver.orders GROUP BY k)"
        + " SELECT t.k, t.n, t.total, (SELECT max(id) FROM silver.orders) AS top FROM totals t";
    assertThat(runFirst(query)).isEqualTo(spark(query));

    sql("INSERT INTO silver.orders VALUES (4, 'c', 4.00), (5, 'a', 0.25)");
    LocalQuery again = LocalQuery.of(engine.session(), query);
    assertThat(executor.knownSchema(engine, again)).isPresent();
    List<String> rows = collect(again);
    assertThat(again.analyzed()).isFalse();
    assertThat(rows).isEqualTo(spark(query)).contains("a 3 1.75 5", "c 1 4.00 5");
  }

  @Test
  void aQueryKeptByOneProcessRunsInTheNextWithoutSparkAnalyzingItAndReadsItsNewRows() throws IOException {
    sql("CREATE TABLE silver.page_hits (id INT, page STRING) USING iceberg");
    sql("INSERT INTO silver.page_hits VALUES (1, 'home'), (2, 'cart'), (3, 'home')");
    String query = "SELECT page, count(*) AS n, max(id) AS last FROM silver.page_hits GROUP BY page";
    // Three builds, each a new process: it knows only what the project's state directory holds.
    assertThat(collect(analyzed(query))).containsExactly("cart 1 2", "home 2 3");
    for (int build = 2; build <= 3; build++) {
      DuckDbExecutor.COMPILED.forgetInMemory();
      sql("INSERT INTO silver.page_hits VALUES (" + (2 + 2 * build) + ", 'cart'), (" + (3 + 2 * build) + ", 'pay')");
      LocalQuery next = LocalQuery.of(engine.session(), query);
      assertThat(collect(next)).as("build %d", build).isEqualTo(spark(query)).contains("home 2 3");
      assertThat(next.analyzed()).as("build %d", build).isFalse();
    }

    // Another session setting (or another Floe build) is another compile: nothing written before it is read.
    DuckDbExecutor.COMPILED.forgetInMemory();
    Path stores = dir.resolve(".floe").resolve(CompiledQueryStore.DIRECTORY);
    List<Path> before = children(stores);
    engine.session().conf().set("spark.sql.caseSensitive", "true");
    try {
      LocalQuery otherSettings = LocalQuery.of(engine.session(), query);
      assertThat(collect(otherSettings)).isEqualTo(spark(query));
      assertThat(otherSettings.analyzed()).isTrue();
      assertThat(children(stores)).hasSize(1).doesNotContainAnyElementsOf(before);
    } finally {
      engine.session().conf().unset("spark.sql.caseSensitive");
      DuckDbExecutor.COMPILED.forgetInMemory();
    }
  }

  private static List<Path> children(Path directory) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.list(directory)) {
      return paths.toList();
    }
  }

  @Test
  void aQueryOfARunsBranchIsTheSameQueryInTheNextRunAndReadsThatRunsBranch() {
    sql("CREATE TABLE silver.staged (id INT, v STRING) USING iceberg");
    sql("INSERT INTO silver.staged VALUES (1, 'a'), (2, 'b')");
    sql("ALTER TABLE silver.staged CREATE BRANCH floe_run_20260101_000000_001");
    // A count Spark would answer from the table's metadata is planned to read the column instead.
    String first = "SELECT count(*) AS n, max(id) AS top FROM silver.staged.branch_floe_run_20260101_000000_001";
    assertThat(runFirst(first)).containsExactly("2 2");

    sql("ALTER TABLE silver.staged CREATE BRANCH floe_run_20260101_000000_002");
    sql("INSERT INTO silver.staged.branch_floe_run_20260101_000000_002 VALUES (3, 'c'), (4, 'd'), (5, NULL)");
    String next = first.replace("000000_001", "000000_002");
    LocalQuery again = LocalQuery.of(engine.session(), next);
    assertThat(again.key()).isEqualTo(LocalQuery.of(engine.session(), first).key());
    assertThat(collect(again)).containsExactly("5 5").isEqualTo(spark(next));
    assertThat(again.analyzed()).isFalse();
    assertThat(spark("SELECT count(*) FROM silver.staged")).containsExactly("2");
  }

  @Test
  void theFilesOfANewSnapshotArePrunedByTheFilterSparkPushedIntoTheScan() {
    sql("CREATE TABLE silver.events (id INT, ts TIMESTAMP) USING iceberg PARTITIONED BY (days(ts))");
    sql("INSERT INTO silver.events VALUES (1, TIMESTAMP '2024-01-01 10:00:00'), (2, TIMESTAMP '2024-01-02 10:00:00')");
    // Spark drops the filter partition pruning answers in full: the files chosen again must answer it.
    String query = "SELECT count(*) AS n, sum(id) AS s FROM silver.events WHERE ts >= TIMESTAMP '2024-01-02 00:00:00'";
    assertThat(runFirst(query)).containsExactly("1 2");

    sql("INSERT INTO silver.events VALUES (3, TIMESTAMP '2023-12-31 10:00:00'), (4, TIMESTAMP '2024-01-03 10:00:00')");
    LocalQuery again = LocalQuery.of(engine.session(), query);
    assertThat(collect(again)).containsExactly("2 6").isEqualTo(spark(query));
    assertThat(again.analyzed()).isFalse();
  }

  @Test
  void theFilesOfASnapshotAreChosenOnceForAFilterAndAgainForTheNextSnapshot() {
    sql("CREATE TABLE silver.hub (hk STRING) USING iceberg");
    sql("INSERT INTO silver.hub VALUES ('a'), ('b')");
    sql("INSERT INTO silver.hub VALUES ('c')");
    String query = "SELECT count(*) AS n FROM silver.hub WHERE hk IS NOT NULL";
    assertThat(runFirst(query)).containsExactly("3");
    List<FileScanTask> first = files(query);
    assertThat(first).isNotEmpty();
    assertThat(files(query)).isSameAs(first);

    sql("INSERT INTO silver.hub VALUES ('d')");
    assertThat(files(query)).isNotSameAs(first).hasSize(first.size() + 1);
    assertThat(collect(LocalQuery.of(engine.session(), query))).containsExactly("4");
  }

  @Test
  void afterAppendsTheFilesChosenBeforeAreKeptAndOnlyTheAppendedOnesAreChosen() throws IOException {
    sql("CREATE TABLE silver.link (hk STRING, n INT) USING iceberg");
    sql("INSERT INTO silver.link VALUES ('a', 1), ('b', 2)");
    String query = "SELECT count(*) AS n FROM silver.link WHERE n > 1";
    assertThat(runFirst(query)).containsExactly("1");
    List<FileScanTask> first = files(query);

    sql("INSERT INTO silver.link VALUES ('c', 3)");
    // The filter's bounds leave this file out, as Spark's scan does.
    sql("INSERT INTO silver.link VALUES ('d', 0)");
    List<FileScanTask> appended = files(query);
    // The same task objects: the files of the first snapshot were not chosen again.
    assertThat(appended).containsAll(first).hasSize(first.size() + 1);
    assertThat(locations(appended)).isEqualTo(plannedNow("silver.link"));
    assertThat(collect(LocalQuery.of(engine.session(), query))).containsExactly("2").isEqualTo(spark(query));

    // A snapshot that is not an append (a delete rewrites a file) has its files chosen anew.
    sql("DELETE FROM silver.link WHERE hk = 'b'");
    List<FileScanTask> rewritten = files(query);
    assertThat(rewritten).doesNotContainAnyElementsOf(appended);
    assertThat(locations(rewritten)).isEqualTo(plannedNow("silver.link"));
    assertThat(collect(LocalQuery.of(engine.session(), query))).containsExactly("1").isEqualTo(spark(query));
  }

  private static List<String> locations(List<FileScanTask> tasks) {
    return tasks.stream().map(task -> task.file().location()).sorted().toList();
  }

  // The files a scan of the table's current snapshot chooses by the query's filter, planned from scratch.
  private List<String> plannedNow(String table) throws IOException {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = engine.table(table).newScan()
        .filter(Expressions.greaterThan("n", 1)).planFiles()) {
      planned.forEach(tasks::add);
    }
    return locations(tasks);
  }

  // The files the kept query reads now.
  private List<FileScanTask> files(String query) {
    return DuckDbExecutor.COMPILED.reuse(engine, LocalQuery.of(engine.session(), query)).orElseThrow().scans().get(0)
        .tasks();
  }

  @Test
  void aColumnAddedOrAViewReplacedIsAnalyzedAgain() {
    sql("CREATE TABLE silver.people (id INT, name STRING) USING iceberg");
    sql("INSERT INTO silver.people VALUES (1, 'ann'), (2, 'bob')");
    sql("CREATE VIEW silver.named AS SELECT id, upper(name) AS name FROM silver.people");
    String fromTable = "SELECT * FROM silver.people";
    String fromView = "SELECT name FROM silver.named WHERE id > 1";
    assertThat(runFirst(fromTable)).containsExactlyInAnyOrder("1 ann", "2 bob");
    assertThat(runFirst(fromView)).containsExactly("BOB");

    sql("ALTER TABLE silver.people ADD COLUMN age INT");
    sql("INSERT INTO silver.people VALUES (3, 'cy', 30)");
    LocalQuery table = LocalQuery.of(engine.session(), fromTable);
    assertThat(executor.knownSchema(engine, table)).isEmpty();
    assertThat(collect(table)).containsExactlyInAnyOrder("1 ann null", "2 bob null", "3 cy 30");

    sql("CREATE OR REPLACE VIEW silver.named AS SELECT id, lower(name) AS name FROM silver.people");
    LocalQuery view = LocalQuery.of(engine.session(), fromView);
    assertThat(executor.knownSchema(engine, view)).isEmpty();
    assertThat(collect(view)).containsExactlyInAnyOrder("bob", "cy");
  }

  @Test
  void aQueryOfTheCurrentTimeOrOfASnapshotIsNotKept() {
    sql("CREATE TABLE silver.readings (id INT) USING iceberg");
    sql("INSERT INTO silver.readings VALUES (1)");
    long snapshot = engine.table("silver.readings").currentSnapshot().snapshotId();
    String now = "SELECT id, current_date() AS today FROM silver.readings";
    String asOf = "SELECT count(*) FROM silver.readings VERSION AS OF " + snapshot;
    runFirst(now);
    runFirst(asOf);
    sql("INSERT INTO silver.readings VALUES (2)");
    assertThat(executor.knownSchema(engine, LocalQuery.of(engine.session(), now))).isEmpty();
    LocalQuery old = LocalQuery.of(engine.session(), asOf);
    assertThat(executor.knownSchema(engine, old)).isEmpty();
    assertThat(collect(old)).containsExactly("1");
  }

  @Test
  void aWatermarkIsAParameterOfTheQueryKeptAndTheNextRunsValueChoosesItsFiles() {
    sql("CREATE TABLE silver.visits (id INT, k STRING, ts TIMESTAMP) USING iceberg PARTITIONED BY (days(ts))");
    sql("INSERT INTO silver.visits VALUES (1, 'a', TIMESTAMP '2024-01-01 10:00:00'),"
        + " (2, 'b', TIMESTAMP '2024-01-02 10:00:00'), (3, 'a', TIMESTAMP '2024-01-03 10:00:00')");
    // As an incremental model reads the rows after its watermark, which max_of() writes to the microsecond.
    String query = "SELECT k, count(*) AS n, max(id) AS top FROM silver.visits WHERE ts > TIMESTAMP '%s' GROUP BY k";
    String first = query.formatted("2024-01-01 10:00:00.123456");
    String second = query.formatted("2024-01-02 10:00:00.654321");
    assertThat(LocalQuery.of(engine.session(), first).key()).isEqualTo(LocalQuery.of(engine.session(), second).key());
    // Compiled with two values, the query is kept with the watermark as its parameter.
    assertThat(collect(analyzed(first))).containsExactly("a 1 3", "b 1 2");
    assertThat(collect(analyzed(second))).containsExactly("a 1 3");

    sql("INSERT INTO silver.visits VALUES (4, 'b', TIMESTAMP '2024-01-04 10:00:00'), (5, 'a', TIMESTAMP '2023-12-31 10:00:00')");
    String third = query.formatted("2024-01-02 23:59:59.999999");
    LocalQuery again = LocalQuery.of(engine.session(), third);
    List<String> rows = collect(again);
    assertThat(again.analyzed()).isFalse();
    assertThat(rows).isEqualTo(spark(third)).containsExactly("a 1 3", "b 1 4");
    // An earlier watermark reads the files the later one pruned; one on a day's edge, whose comparison
    // partitions answer in full, still compares.
    String earlier = query.formatted("2023-12-31 23:59:59.999999");
    LocalQuery back = LocalQuery.of(engine.session(), earlier);
    assertThat(collect(back)).isEqualTo(spark(earlier)).containsExactly("a 2 3", "b 2 4");
    assertThat(back.analyzed()).isFalse();
  }

  @Test
  void aTimestampSparkFoldsIntoAnotherValueIsNotAParameter() {
    sql("CREATE TABLE silver.stays (id INT, day DATE) USING iceberg");
    sql("INSERT INTO silver.stays VALUES (1, DATE '2024-01-01'), (2, DATE '2024-01-02'), (3, DATE '2024-01-03')");
    // Spark folds the cast of the literal into a date: the timestamp is not in the compiled SQL as such.
    String query = "SELECT count(*) AS n FROM silver.stays WHERE day > cast(TIMESTAMP '%s' AS DATE)";
    String first = query.formatted("2024-01-01 10:00:00.123456");
    String second = query.formatted("2024-01-02 10:00:00.123456");
    assertThat(collect(analyzed(first))).containsExactly("2");
    assertThat(collect(analyzed(second))).containsExactly("1");
    String third = query.formatted("2023-12-31 10:00:00.123456");
    LocalQuery again = LocalQuery.of(engine.session(), third);
    assertThat(collect(again)).containsExactly("3").isEqualTo(spark(third));
    assertThat(again.analyzed()).isTrue();
    // The same value again is the query kept for it.
    LocalQuery same = LocalQuery.of(engine.session(), third);
    assertThat(collect(same)).containsExactly("3");
    assertThat(same.analyzed()).isFalse();
  }

  @Test
  void theColumnsOfAQueryBeforeItsStepsAreKnownFromTheQueryKeptWithThem() {
    sql("CREATE TABLE silver.tickets (id INT, status STRING) USING iceberg");
    sql("INSERT INTO silver.tickets VALUES (1, 'open'), (2, 'closed')");
    // As a materialization aligns a model's SELECT to its table: the SELECT's columns tell how.
    String select = "SELECT id, upper(status) AS status, id > 1 AS later FROM silver.tickets";
    LocalQuery query = LocalQuery.of(engine.session(), select);
    assertThat(executor.knownSchema(engine, query)).isEmpty();
    assertThat(collect(query.then("cast id", rows -> rows.selectExpr("cast(id AS BIGINT) AS id", "status"))))
        .containsExactly("1 OPEN", "2 CLOSED");
    LocalQuery next = LocalQuery.of(engine.session(), select);
    assertThat(executor.knownSchema(engine, next)).contains(engine.session().sql(select).schema());
    assertThat(next.analyzed()).isFalse();
    sql("ALTER TABLE silver.tickets ADD COLUMN agent STRING");
    assertThat(executor.knownSchema(engine, LocalQuery.of(engine.session(), select))).isEmpty();
  }

  private LocalQuery analyzed(String sql) {
    LocalQuery query = LocalQuery.of(engine.session(), sql);
    assertThat(executor.knownSchema(engine, query)).isEmpty();
    return query;
  }

  // The query's rows in its first run (Spark analyzes it; a query without parameters is kept), checked against
  // Spark's.
  private List<String> runFirst(String sql) {
    LocalQuery query = LocalQuery.of(engine.session(), sql);
    assertThat(executor.knownSchema(engine, query)).as("not compiled before").isEmpty();
    List<String> rows = collect(query);
    assertThat(query.analyzed()).isTrue();
    assertThat(rows).containsExactlyInAnyOrderElementsOf(spark(sql));
    return rows;
  }

  private List<String> collect(LocalQuery query) {
    Optional<List<List<Object>>> rows = executor.collect(engine, query, 100, "test");
    assertThat(rows).as("DuckDB ran %s", query.sql()).isPresent();
    List<String> lines = new ArrayList<>();
    for (List<Object> row : rows.get()) {
      lines.add(String.join(" ", row.stream().map(String::valueOf).toList()));
    }
    return lines.stream().sorted().toList();
  }

  private List<String> spark(String sql) {
    List<String> lines = new ArrayList<>();
    for (Row row : engine.session().sql(sql).collectAsList()) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        values.add(String.valueOf(row.get(i)));
      }
      lines.add(String.join(" ", values));
    }
    return lines.stream().sorted().toList();
  }

  private void sql(String sql) {
    engine.session().sql(sql).collectAsList();
  }
}
