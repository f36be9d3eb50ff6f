package io.floe.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DuckDB runs a query Spark planned and its rows, written as Iceberg data files, are exactly the rows
 * Spark computes for the same query: checked row for row ({@code EXCEPT ALL} both ways) on edge
 * values and on 100,000 pseudo-random ones, for each step and function the translation takes. What it
 * does not take, or what fails in DuckDB, is declined, so that Spark runs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DuckDbExecutorTest {
  @TempDir static Path dir;
  FloeEngine engine;
  int tables;

  @BeforeAll
  void open() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: d\nengine:\n  shuffle-partitions: 2\n");
    engine = FloeEngine.open(Project.load(dir));
    sql("CREATE TABLE silver.edge (id INT, k STRING, i INT, l BIGINT, d DOUBLE, m DECIMAL(10,2), q DECIMAL(20,0),"
        + " ts TIMESTAMP, dt DATE, b BOOLEAN) USING iceberg");
    sql("INSERT INTO silver.edge VALUES"
        + " (1, 'a', 1, 10, 1.005, 2.675, 3, TIMESTAMP '2024-01-01 00:00:00', DATE '2024-01-01', true),"
        + " (2, 'a', -7, -10, -1.005, -2.675, 7, TIMESTAMP '2024-03-31 23:59:59.999999', DATE '2024-02-29', false),"
        + " (3, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
        + " (4, 'b', 2147483647, 9223372036854775807, 0.125, 0.05, 1, TIMESTAMP '1969-12-31 23:59:59.5',"
        + "  DATE '1970-01-01', true),"
        + " (5, NULL, 0, 0, -0.0, 0.00, 2, TIMESTAMP '2038-01-19 03:14:08', DATE '2000-02-28', NULL),"
        + " (6, 'Ä', 5, 5, 123456789.125, 99999999.99, 3, TIMESTAMP '2024-06-15 12:30:00', DATE '2024-06-15', false)");
    sql("CREATE TABLE silver.rnd USING iceberg AS SELECT CAST(id AS INT) AS id, CAST(id % 13 AS STRING) AS k,"
        + " CAST(id % 1000 AS INT) AS i, rand(1) * 1000 AS d, CAST(rand(2) * 100000 AS DECIMAL(10,2)) AS m,"
        + " CAST(floor(rand(3) * 60) + 1 AS BIGINT) AS n, TIMESTAMP '2024-01-01 00:00:00' + make_dt_interval(0, 0, 0,"
        + " CAST(rand(4) * 31536000 AS INT)) AS ts FROM range(100000)");
  }

  @AfterAll
  void close() {
    engine.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // projections, conditions, casts and arithmetic
      "SELECT id, k, i + 1 AS a, l - 1 AS b, i * 2 AS c, -i AS neg, d * 2 AS d2, m + 1 AS m1, m * m AS mm,"
          + " CAST(i AS BIGINT) AS il, CAST(i AS DOUBLE) AS id2, CAST(m AS DOUBLE) AS md, CAST(m AS DECIMAL(11,1)) AS m1d,"
          + " CAST(d AS DECIMAL(12,2)) AS dd, CAST(i AS STRING) AS istr, CAST(dt AS STRING) AS dstr,"
          + " CAST(m AS STRING) AS mstr, CAST(q AS STRING) AS qstr, CAST(CAST(m / 1000 AS DECIMAL(12,6)) AS STRING) AS small,"
          + " CAST(ts AS DATE) AS tsd, CAST(dt AS TIMESTAMP) AS dts FROM silver.edge WHERE id <> 4",
      "SELECT id, i > 0 AND d / i > 0 AS lazy_and, i = 0 OR 10 / i > 1 AS lazy_or, coalesce(k, 'none') AS k2,"
          + " CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' ELSE 'zero' END AS sign, if(b, 1, 2) AS f,"
          + " greatest(i, id) AS g, least(l, id) AS le, lower(k) AS lk, upper(k) AS uk, k || '-' || id AS cat,"
          + " i IN (1, 5, 7) AS in3, d IS NULL AS dn, m <=> NULL AS mnull FROM silver.edge WHERE id <> 6",
      "SELECT id, m / q AS mq, m / 3 AS m3, q / m AS qm, d / 3 AS d3 FROM silver.edge WHERE q <> 0 AND m <> 0",
      // NULL divided by zero is NULL in Spark, not an error
      "SELECT id, m / CAST(id - id AS DECIMAL(10,0)) AS mz, d / (id - id) AS dz FROM silver.edge WHERE d IS NULL",
      // dates and times (UTC session)
      "SELECT id, hour(ts) AS h, minute(ts) AS mi, second(ts) AS s, year(dt) AS y, month(dt) AS mo, day(dt) AS dd,"
          + " dayofweek(ts) AS dow, date_format(ts, 'EEEE') AS dn, unix_timestamp(ts) AS u, unix_date(dt) AS ud,"
          + " ts - make_dt_interval(90) AS back, date_sub(dt, 28) AS ds, date_add(dt, 1) AS da,"
          + " datediff(dt, DATE '2024-01-01') AS diff FROM silver.edge",
      // aggregates, distinct aggregates, windows
      "SELECT k, count(*) AS n, count(d) AS nd, sum(m) AS sm, sum(i) AS si, sum(l) AS sl, avg(i) AS ai, min(ts) AS mint,"
          + " max(k) AS mk, count(DISTINCT i) AS di, count_if(b) AS cb, avg(m) AS am FROM silver.edge WHERE id <> 4"
          + " GROUP BY k",
      "SELECT k, count(DISTINCT i) AS di, count(DISTINCT n) AS dn, sum(m) AS sm FROM silver.rnd GROUP BY k",
      "SELECT id, row_number() OVER (PARTITION BY k ORDER BY d DESC, id) AS rn,"
          + " rank() OVER (PARTITION BY k ORDER BY i) AS r, dense_rank() OVER (ORDER BY n) AS dr,"
          + " avg(i) OVER (PARTITION BY k ORDER BY id RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS ar,"
          + " sum(m) OVER (PARTITION BY k ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run"
          + " FROM silver.rnd",
      "SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM silver.rnd) WHERE rn = 1",
      // the roundings Spark and DuckDB could disagree on, over 100,000 values
      "SELECT id, CAST(d AS DECIMAL(10,2)) AS d2, CAST(d / 7 AS DECIMAL(12,4)) AS d4, m / n AS mn,"
          + " CAST(m / n AS DECIMAL(12,2)) AS mn2, CAST(n / 7 AS DECIMAL(6,4)) AS n7, avg(i) OVER (PARTITION BY k) AS ai,"
          + " CAST(avg(i) OVER (PARTITION BY k) AS DECIMAL(10,2)) AS ai2 FROM silver.rnd",
      "SELECT k, CAST(sum(m) / count(DISTINCT n) AS DECIMAL(12,2)) AS per, avg(m) AS am FROM silver.rnd GROUP BY k",
      // a quotient cast to fewer places, rounded once in 64 bits where that gives Spark's two roundings:
      // half-way points of both signs, divisors of all sizes, and operands too large for that path
      "SELECT id, CAST(CAST(id - 50000 AS DECIMAL(6,0)) / CAST(8 AS DECIMAL(2,0)) AS DECIMAL(10,2)) AS eighth,"
          + " CAST(m / CAST(id - 48 AS DECIMAL(7,1)) AS DECIMAL(14,3)) AS signed,"
          + " CAST(m / CAST(id * 7919 + 1 AS DECIMAL(12,0)) AS DECIMAL(20,9)) AS small,"
          + " CAST(m / CAST(id + 1234567 AS DECIMAL(20,0)) AS DECIMAL(30,18)) AS tiny FROM silver.rnd"
          + " WHERE id <> 48",
      // the newest row of each key, as latest_changes() finds it: max_by of a struct ordered by a struct
      "SELECT k, latest.* FROM (SELECT k, max_by(struct(id, i, d, ts, m), struct(ts, id)) AS latest FROM silver.rnd"
          + " GROUP BY k)",
      // NULL orders first in a struct, and a NULL ordering is no candidate
      "SELECT k, max_by(id, struct(ts, i)) AS newest, min_by(id, struct(ts, i)) AS oldest, max_by(id, i) AS top,"
          + " min_by(k, l) AS low, min_by(id, struct(ts, 'source')) AS first_seen FROM silver.edge GROUP BY k",
      // lead and lag, and the history change_history() keeps
      "SELECT id, k, lead(ts) OVER (PARTITION BY k ORDER BY id) AS nt, lag(d, 2, CAST(0 AS DOUBLE))"
          + " OVER (PARTITION BY k ORDER BY id) AS pd, lead(ts) OVER (PARTITION BY k ORDER BY id) IS NULL AS last"
          + " FROM silver.rnd",
      "SELECT version.* FROM (SELECT struct(*) AS version, lead(ts) OVER (PARTITION BY k ORDER BY ts, id) AS nxt"
          + " FROM silver.rnd) WHERE nxt > TIMESTAMP '2024-06-01 00:00:00' OR version.ts > TIMESTAMP '2024-12-01 00:00:00'",
      // the Data Vault's hash keys and diffs (HashSql's Spark spelling): hashes of a string's UTF-8 bytes,
      // trim() of spaces only, concat_ws() skipping NULLs
      "SELECT id, md5(k) AS h, upper(md5(nullif(upper(trim(k)), ''))) AS hk, sha1(k) AS s1, sha2(k, 256) AS s2,"
          + " upper(md5(concat_ws('||', coalesce(nullif(upper(trim(CAST(i AS STRING))), ''), '^^'),"
          + " coalesce(nullif(upper(trim(k)), ''), '^^')))) AS hd FROM silver.edge WHERE id <> 6",
      // a hash key's NULL test, as Spark infers it, tests the business key
      "SELECT id, upper(md5(nullif(upper(trim(k)), ''))) AS hk FROM silver.edge WHERE id <> 6"
          + " AND upper(md5(nullif(upper(trim(k)), ''))) IS NOT NULL",
      "SELECT id FROM silver.edge WHERE lower(sha1(trim(k))) IS NULL OR upper(k) IS NULL",
      "SELECT v, md5(v) AS h, trim(v) AS t, concat_ws('|', v, NULL, 'x') AS c, sha2(v, 256) AS s"
          + " FROM VALUES ('  a\\tb  '), ('\\\\x41'), ('é'), (NULL), ('') AS t(v)",
      // a timestamp's text (a hash diff of a timestamp column), and a window ordered by a constant
      "SELECT id, CAST(ts AS STRING) AS t, concat('at ', CAST(ts AS STRING)) AS c,"
          + " row_number() OVER (PARTITION BY id ORDER BY 'x') AS rn,"
          + " row_number() OVER (PARTITION BY id ORDER BY CAST('2024-01-01' AS TIMESTAMP) DESC) AS rt FROM silver.edge",
      "SELECT id, CAST(ts AS STRING) AS t FROM silver.rnd",
      // joins and set operations
      "SELECT a.id, b.id AS bid, a.k FROM silver.edge a LEFT JOIN silver.edge b ON a.i = b.id",
      "SELECT a.id, b.id AS bid FROM silver.edge a FULL OUTER JOIN silver.edge b ON a.id = b.id + 1",
      "SELECT id FROM silver.edge a WHERE EXISTS (SELECT 1 FROM silver.rnd r WHERE r.i = a.i)",
      "SELECT id FROM silver.edge a WHERE NOT EXISTS (SELECT 1 FROM silver.rnd r WHERE r.i = a.i)",
      "SELECT id FROM silver.edge WHERE i NOT IN (SELECT i + 1 FROM silver.edge WHERE i IS NOT NULL AND id <> 4)",
      "SELECT id FROM silver.edge WHERE id NOT IN (SELECT i FROM silver.edge WHERE i IS NOT NULL)",
      "SELECT k FROM silver.edge UNION SELECT k FROM silver.rnd",
      "SELECT k, i FROM silver.edge UNION ALL SELECT k, i FROM silver.rnd WHERE i < 3",
      "SELECT e.k, m.latest FROM silver.edge e CROSS JOIN (SELECT max(ts) AS latest FROM silver.rnd) m",
      // scalar subqueries (an empty one is NULL)
      "SELECT id, (SELECT max(d) FROM silver.rnd) AS top FROM silver.edge WHERE id > (SELECT min(id) FROM silver.edge)",
      "SELECT id, (SELECT min(id) FROM silver.edge WHERE id > 100) AS none FROM silver.edge",
      // rows in the query itself
      "SELECT e.id, v.label, v.amount FROM silver.edge e JOIN VALUES (1, 'one', 1.50), (2, NULL, NULL), (3, 'Ä', -2.25)"
          + " AS v(id, label, amount) ON e.id = v.id"
  })
  void duckDbWritesExactlyTheRowsSparkComputes(String query) {
    String table = write(query).orElseThrow(() -> new AssertionError("DuckDB declined: " + query));
    assertThat(count("SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM (" + query + ")")).as(query).isZero();
    assertThat(count("SELECT * FROM (" + query + ") EXCEPT ALL SELECT * FROM " + table)).as(query).isZero();
    assertThat(count("SELECT * FROM " + table)).isEqualTo(count(query)).isPositive();
  }

  @Test
  void theRowsAppendedAfterASnapshotAreReadAsIcebergsIncrementalReadReturnsThem() {
    sql("CREATE TABLE silver.grows (id INT, v STRING) USING iceberg");
    sql("INSERT INTO silver.grows VALUES (1, 'a'), (2, 'b')");
    long first = engine.table("silver.grows").currentSnapshot().snapshotId();
    sql("INSERT INTO silver.grows VALUES (3, 'c')");
    sql("INSERT INTO silver.grows VALUES (4, NULL), (5, 'e')");
    engine.session().read().format("iceberg").option("start-snapshot-id", String.valueOf(first))
        .load(engine.catalogName() + ".silver.grows").createOrReplaceTempView("grown");
    Dataset<Row> query = engine.session().sql("SELECT count(*) AS n, count(v) AS nv, sum(id) AS s FROM grown");
    Optional<List<List<Object>>> rows = new DuckDbExecutor().collect(engine, query, 10, "test");
    assertThat(rows).isPresent();
    assertThat(rows.get()).containsExactly(List.of(3L, 2L, 12L));
    Row spark = query.first();
    assertThat(List.of(spark.get(0), spark.get(1), spark.get(2))).isEqualTo(rows.get().get(0));
  }

  @Test
  void cancellingARunsTagStopsItsRunningQueryAndRefusesItsNextOnesButNotOtherRuns() throws Exception {
    DuckDbExecutor executor = new DuckDbExecutor();
    // 6 * 10^10 rows: minutes in DuckDB unless the cancel interrupts it.
    Dataset<Row> slow = engine.session().sql("SELECT e.id, count(*) AS n FROM silver.edge e CROSS JOIN silver.rnd a"
        + " CROSS JOIN silver.rnd b GROUP BY e.id");
    String tag = "floe-run-cancel-test";
    java.util.concurrent.CompletableFuture<Object> outcome = onRunThread(tag,
        () -> executor.collect(engine, slow, 1, "model slow"));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (RunningStatements.open(tag) == 0 && !outcome.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(outcome).as("DuckDB runs the slow query").isNotDone();
    Thread.sleep(300);

    executor.cancel(tag);

    Object stopped = outcome.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(stopped).isInstanceOfSatisfying(io.floe.core.error.FloeException.class, e -> {
      assertThat(e.category()).isEqualTo(io.floe.core.error.ErrorCategory.CANCELLED);
      assertThat(e).hasMessage("model slow was stopped: its run was cancelled");
    });
    assertThat(RunningStatements.open(tag)).isZero();
    Dataset<Row> quick = engine.session().sql("SELECT count(*) AS n FROM silver.edge");
    // The cancelled run's next query is refused, not handed to Spark; another run's still runs.
    java.util.concurrent.CompletableFuture<Object> next = onRunThread(tag,
        () -> executor.collect(engine, quick, 1, "test after the cancel"));
    assertThat(next.get(60, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(io.floe.core.error.FloeException.class);
    assertThat(executor.collect(engine, quick, 1, "another run")).contains(List.of(List.of(6L)));
  }

  @Test
  void aScalarSubqueryOfMoreThanOneRowIsLeftToSparkWhichRaisesTheError() {
    String query = "SELECT id, (SELECT id FROM silver.edge WHERE id < 3) AS one FROM silver.edge";
    assertThat(write(query)).isEmpty();
    assertThatThrownBy(() -> engine.session().sql(query).collectAsList()).hasMessageContaining("SCALAR_SUBQUERY");
  }

  @Test
  void notInASubqueryThatHoldsANullKeepsNoRowAsInSpark() {
    String query = "SELECT id FROM silver.edge WHERE id NOT IN (SELECT i FROM silver.edge)";
    String table = write(query).orElseThrow();
    assertThat(count(query)).isZero();
    assertThat(count("SELECT * FROM " + table)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT k, collect_list(i) AS l FROM silver.edge GROUP BY k",
      "SELECT k, sum(d) / count(*) AS x, percentile_approx(d, 0.5) AS p FROM silver.edge GROUP BY k",
      "SELECT id, rand() AS r FROM silver.edge",
      "SELECT id, substring(k, 2) AS s FROM silver.edge",
      // an IN subquery under an OR: Spark plans an existence join, which has no SQL name
      "SELECT id FROM silver.edge WHERE i > 5 OR id IN (SELECT id + 1 FROM silver.edge WHERE k = 'a')"
  })
  void aQueryItCannotTranslateIsLeftToSpark(String query) {
    assertThat(write(query)).isEmpty();
  }

  @Test
  void whereSparkWouldFailDuckDbDeclinesAndSparkRaisesTheError() {
    // ANSI mode: a division by zero is an error in Spark; DuckDB would return NULL or infinity.
    String query = "SELECT id, 10 / (i - i) AS x FROM silver.edge WHERE i IS NOT NULL";
    assertThat(write(query)).isEmpty();
    assertThatThrownBy(() -> engine.session().sql(query).collectAsList()).hasMessageContaining("DIVIDE_BY_ZERO");
  }

  @Test
  void caseMappingOutsideAsciiIsLeftToSpark() {
    // Java and DuckDB map some letters differently outside ASCII: DuckDB declines at run time.
    assertThat(write("SELECT id, lower(k) AS lk FROM silver.edge")).isEmpty();
    assertThat(write("SELECT id, lower(k) AS lk FROM silver.edge WHERE id <> 6")).isPresent();
  }

  @Test
  void aTableWithPositionDeleteFilesIsReadWithoutTheDeletedRows() {
    sql("CREATE TABLE silver.mor (id INT, v STRING) USING iceberg TBLPROPERTIES ('format-version' = '2',"
        + " 'write.delete.mode' = 'merge-on-read')");
    // Two data files of several rows, so that the deletes keep them and add delete files, one of which
    // names rows of both files.
    sql("INSERT INTO silver.mor SELECT /*+ COALESCE(1) */ * FROM VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, 'd')");
    sql("INSERT INTO silver.mor SELECT /*+ COALESCE(1) */ * FROM VALUES (5, 'e'), (6, 'f'), (7, 'g')");
    sql("DELETE FROM silver.mor WHERE id = 1");
    sql("DELETE FROM silver.mor WHERE id IN (3, 6)");
    assertThat(count("SELECT * FROM silver.mor.delete_files")).isEqualTo(2);
    for (String query : List.of("SELECT * FROM silver.mor", "SELECT count(*) AS n FROM silver.mor",
        "SELECT v FROM silver.mor WHERE id > 2")) {
      String table = write(query).orElseThrow(() -> new AssertionError("DuckDB declined: " + query));
      assertThat(count("SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM (" + query + ")")).as(query).isZero();
      assertThat(count("SELECT * FROM (" + query + ") EXCEPT ALL SELECT * FROM " + table)).as(query).isZero();
    }
    assertThat(engine.session().sql("SELECT * FROM " + write("SELECT id FROM silver.mor").orElseThrow()
        + " ORDER BY id").collectAsList()).extracting(row -> row.getInt(0)).containsExactly(2, 4, 5, 7);
  }

  @Test
  void anIdentityPartitionColumnReadIsLeftToSpark() {
    // Spark reads such a column from the partition's value in the metadata; a file need not hold it.
    sql("CREATE TABLE silver.parts (id INT, day DATE) USING iceberg PARTITIONED BY (day)");
    sql("INSERT INTO silver.parts VALUES (1, DATE '2024-01-01'), (2, DATE '2024-01-02')");
    assertThat(write("SELECT * FROM silver.parts WHERE day = DATE '2024-01-01'")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // whole days: Spark drops the filter from its plan, as partition pruning answers it in full
      "SELECT id, v FROM silver.by_days WHERE ts >= TIMESTAMP '2024-01-02 00:00:00' AND ts < TIMESTAMP '2024-01-03 00:00:00'",
      "SELECT count(*) AS n, sum(id) AS s FROM silver.by_days WHERE ts >= TIMESTAMP '2024-01-02 00:00:00'",
      // part of a day: the filter stays, over the files of that day
      "SELECT id, ts FROM silver.by_days WHERE ts > TIMESTAMP '2024-01-02 12:00:00' AND ts < TIMESTAMP '2024-01-03 06:00:00'",
      "SELECT v, count(*) AS n FROM silver.by_days GROUP BY v",
      // a join on the partition column, which Spark prunes at run time (dynamic partition pruning)
      "SELECT b.id, b.v FROM silver.by_days b JOIN (SELECT ts FROM silver.rnd WHERE id < 3) r ON b.ts = r.ts"
          + " UNION ALL SELECT b.id, b.v FROM silver.by_days b JOIN silver.by_days s ON b.ts = s.ts WHERE s.id = 7"
  })
  void aPartitionedTableIsReadFromTheFilesSparksScanKeeps(String query) {
    if (!engine.icebergCatalog().tableExists(org.apache.iceberg.catalog.TableIdentifier.parse("silver.by_days"))) {
      sql("CREATE TABLE silver.by_days (id INT, v STRING, ts TIMESTAMP) USING iceberg PARTITIONED BY (days(ts))");
      sql("INSERT INTO silver.by_days SELECT CAST(id AS INT), CAST(id % 3 AS STRING),"
          + " TIMESTAMP '2024-01-01 00:00:00' + make_dt_interval(0, CAST(id AS INT)) FROM range(96)");
    }
    String table = write(query).orElseThrow(() -> new AssertionError("DuckDB declined: " + query));
    assertThat(count("SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM (" + query + ")")).as(query).isZero();
    assertThat(count("SELECT * FROM (" + query + ") EXCEPT ALL SELECT * FROM " + table)).as(query).isZero();
    assertThat(count("SELECT * FROM " + table)).isEqualTo(count(query)).isPositive();
  }

  @Test
  void aTargetWithRequiredColumnsIsLeftToSparksWriterWhichChecksThem() {
    sql("CREATE TABLE silver.required (id INT NOT NULL) USING iceberg");
    Dataset<Row> rows = engine.session().sql("SELECT id FROM silver.edge");
    assertThat(new DuckDbExecutor().write(engine, rows, engine.table("silver.required"), "test")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"days(ts)", "hours(ts)", "dt", "days(dt)", "i", "b, days(ts)"})
  void aPartitionedTargetGetsTheRowsAndPartitionsSparksWriterGivesIt(String partitioning) {
    // silver.edge holds NULLs, times before 1970 and on a day's last microsecond.
    String query = "SELECT id, i, ts, dt, b FROM silver.edge";
    String name = "silver.parted_" + tables++;
    String columns = "(id INT, i INT, ts TIMESTAMP, dt DATE, b BOOLEAN) USING iceberg PARTITIONED BY ("
        + partitioning + ")";
    sql("CREATE TABLE " + name + " " + columns);
    sql("CREATE TABLE " + name + "_spark " + columns);
    Table table = engine.table(name);
    List<DataFile> files = new DuckDbExecutor().write(engine, engine.session().sql(query), table, "test")
        .orElseThrow(() -> new AssertionError("DuckDB declined a table partitioned by " + partitioning));
    AppendFiles append = table.newAppend();
    files.forEach(append::appendFile);
    append.commit();
    sql("INSERT INTO " + name + "_spark " + query);

    assertThat(count("SELECT * FROM " + name + " EXCEPT ALL SELECT * FROM " + name + "_spark")).isZero();
    assertThat(count("SELECT * FROM " + name + "_spark EXCEPT ALL SELECT * FROM " + name)).isZero();
    String partitions = "SELECT partition, record_count FROM %s.partitions";
    assertThat(count(String.format(partitions, name) + " EXCEPT ALL " + String.format(partitions, name + "_spark")))
        .isZero();
    assertThat(count(String.format(partitions, name + "_spark") + " EXCEPT ALL " + String.format(partitions, name)))
        .isZero();
    assertThat(count(String.format(partitions, name))).isGreaterThan(1);
  }

  @Test
  void aTargetPartitionedByATransformDuckDbDoesNotComputeOrSortedIsLeftToSparksWriter() {
    Dataset<Row> rows = engine.session().sql("SELECT id, dt FROM silver.edge");
    sql("CREATE TABLE silver.by_bucket (id INT, dt DATE) USING iceberg PARTITIONED BY (bucket(4, id))");
    assertThat(new DuckDbExecutor().write(engine, rows, engine.table("silver.by_bucket"), "test")).isEmpty();
    sql("CREATE TABLE silver.sorted (id INT, dt DATE) USING iceberg");
    sql("ALTER TABLE silver.sorted WRITE ORDERED BY id");
    assertThat(new DuckDbExecutor().write(engine, rows, engine.table("silver.sorted"), "test")).isEmpty();
  }

  // Writes the query's rows through DuckDB into a new table; the table's name, or empty when declined.
  private Optional<String> write(String query) {
    Dataset<Row> rows = engine.session().sql(query);
    String name = "silver.out_" + tables++;
    // Every column optional, as Floe creates a model's table.
    String columns = java.util.Arrays.stream(rows.schema().fields())
        .map(field -> "`" + field.name() + "` " + field.dataType().sql()).collect(java.util.stream.Collectors.joining(", "));
    sql("CREATE TABLE " + name + " (" + columns + ") USING iceberg");
    Table table = engine.table(name);
    Optional<List<DataFile>> files = new DuckDbExecutor().write(engine, rows, table, "test query");
    if (files.isEmpty()) {
      return Optional.empty();
    }
    AppendFiles append = table.newAppend();
    files.get().forEach(append::appendFile);
    append.commit();
    return Optional.of(name);
  }

  private long count(String query) {
    return engine.session().sql(query).count();
  }

  /** What {@code work} returns or throws on a new thread of the run tagged {@code tag}, as a run's threads carry it. */
  private java.util.concurrent.CompletableFuture<Object> onRunThread(String tag, java.util.function.Supplier<?> work) {
    java.util.concurrent.CompletableFuture<Object> outcome = new java.util.concurrent.CompletableFuture<>();
    Thread thread = new Thread(() -> {
      engine.session().sparkContext().addJobTag(tag);
      try {
        outcome.complete(work.get());
      } catch (RuntimeException e) {
        outcome.complete(e);
      }
    });
    thread.start();
    return outcome;
  }

  private void sql(String sql) {
    engine.session().sql(sql).collectAsList();
  }
}
