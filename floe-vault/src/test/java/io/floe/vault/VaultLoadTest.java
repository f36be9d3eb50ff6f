package io.floe.vault;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.models.project.ModelProject;
import io.floe.models.run.ModelRunner;
import io.floe.models.run.RunReport;
import io.floe.spark.FloeEngine;
import io.floe.vault.hash.HashAlgorithm;
import io.floe.vault.hash.HashSql;
import io.floe.vault.hash.VaultHash;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A declared vault loaded by the model runner, batch after batch, as {@code floe build} does:
 * versions kept in order (A → B → A is three rows), re-read rows and reruns adding nothing, a late
 * row placed by its source time, deletes end-dated from a change log and from a full load, a
 * driving key moving to another link, and hash keys equal to the documented SQL in Spark.
 */
class VaultLoadTest {
  private static final String VAULT = """
      stages:
        - name: stg_customers
          from: bronze.customers
          record_source: crm.customers
          load_ts: last_modified
          hash_keys:
            customer_hk: installation_id
        - name: stg_accounts
          from: bronze.accounts
          load_ts: last_modified
          hash_keys:
            account_hk: account_id
            customer_hk: installation_id
            customer_account_hk: [installation_id, account_id]
        - name: stg_customer_changes
          from: bronze.customer_changes
          load_ts: changed_at
          deleted_when: op = 'D'
          hash_keys: {customer_hk: installation_id}
        - name: stg_customer_list
          from: bronze.customer_list
          full_load: true
          hash_keys: {customer_hk: installation_id}
      hubs:
        - name: hub_customer
          key: customer_hk
          business_keys: [installation_id]
          from: [stg_customers, stg_accounts]
        - name: hub_account
          key: account_hk
      links:
        - name: link_customer_account
          key: customer_account_hk
          hubs: [hub_customer, hub_account]
      satellites:
        - name: sat_customer
          parent: hub_customer
          payload: [name, status]
          from: stg_customers
      status_satellites:
        - name: sts_customer_changes
          parent: hub_customer
          from: stg_customer_changes
        - name: sts_customer_list
          parent: hub_customer
          from: stg_customer_list
      effectivity_satellites:
        - name: eff_customer_account
          link: link_customer_account
          driving_key: hub_account
          from: stg_accounts
      pits:
        - name: pit_customer
          hub: hub_customer
          satellites: [sat_customer]
      bridges:
        - name: bridge_customer_account
          hub: hub_customer
          links: [link_customer_account]
      reference_tables:
        - name: ref_status
          key: [code]
          rows:
            - {code: ACTIVE, description: Active customer}
            - {code: INACTIVE, description: Inactive customer}
      """;

  private static final java.time.format.DateTimeFormatter SHOWN =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC);

  @TempDir Path dir;

  // Both ways a local engine runs the loads: DuckDB running the SQL it takes, and Spark alone.
  @ParameterizedTest(name = "local-sql: {0}")
  @ValueSource(strings = {"duckdb", "spark"})
  void batchesLoadEveryVersionOnceAndEndDateDeletes(String localSql) {
    VaultProjects.create(dir, localSql);
    VaultProjects.write(dir, "vault/crm.yml", VAULT);
    ModelProject models = ModelProject.load(Project.load(dir));
    assertThat(models.models()).containsKeys("stg_customers", "hub_customer", "link_customer_account",
        "sat_customer", "sts_customer_changes", "eff_customer_account", "pit_customer", "ref_status");
    assertThat(models.model("sat_customer").table()).isEqualTo("raw_vault.sat_customer");
    assertThat(models.model("sat_customer").path()).isEqualTo("vault/crm.yml:36");

    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.customers (installation_id STRING, name STRING, status STRING,"
          + " last_modified TIMESTAMP, _ingested_at TIMESTAMP)", 0);
      engine.sql("CREATE TABLE bronze.accounts (account_id STRING, installation_id STRING, last_modified TIMESTAMP,"
          + " _ingested_at TIMESTAMP)", 0);
      engine.sql("CREATE TABLE bronze.customer_changes (installation_id STRING, op STRING, changed_at TIMESTAMP,"
          + " _ingested_at TIMESTAMP)", 0);
      engine.sql("CREATE TABLE bronze.customer_list (installation_id STRING, _ingested_at TIMESTAMP)", 0);

      // Batch 1: C1 goes A -> B -> A between two loads; C2 appears.
      insert(engine, "customers", "('C1', 'A', 'ACTIVE', ts('01:00'), ts('10:00')),"
          + " ('C1', 'B', 'ACTIVE', ts('02:00'), ts('10:00')), ('C1', 'A', 'ACTIVE', ts('03:00'), ts('10:00')),"
          + " ('c2 ', 'X', 'ACTIVE', ts('01:00'), ts('10:00'))");
      insert(engine, "accounts", "('ACC1', 'C1', ts('01:00'), ts('10:00'))");
      insert(engine, "customer_changes", "('C2', 'I', ts('01:00'), ts('10:00'))");
      insert(engine, "customer_list", "('C1', ts('10:00')), ('C2', ts('10:00'))");
      run(engine, models);
      assertThat(rows(engine, "SELECT h.installation_id, s.name, s.load_ts FROM raw_vault.sat_customer s JOIN"
          + " raw_vault.hub_customer h USING (customer_hk) ORDER BY h.installation_id, s.load_ts")).containsExactly(
              "C1,A,2026-01-01 01:00:00", "C1,B,2026-01-01 02:00:00", "C1,A,2026-01-01 03:00:00",
              "c2 ,X,2026-01-01 01:00:00");
      // A hub row is the key's first sighting; a tie goes to the record source first by name.
      assertThat(rows(engine, "SELECT installation_id, load_ts, record_source FROM raw_vault.hub_customer"
          + " ORDER BY installation_id")).containsExactly("C1,2026-01-01 01:00:00,bronze.accounts",
              "c2 ,2026-01-01 01:00:00,crm.customers");

      // Batch 2: a look-back reads the same rows again; and a rerun without new rows: nothing added.
      insert(engine, "customers", "('C1', 'A', 'ACTIVE', ts('03:00'), ts('11:00'))");
      insert(engine, "accounts", "('ACC1', 'C1', ts('01:00'), ts('11:00'))");
      List<String> before = counts(engine);
      run(engine, models);
      run(engine, models);
      assertThat(counts(engine)).isEqualTo(before);

      // Batch 3: a late version of C1 (before its first), an unchanged A, ACC1 moves to C2, C2 is
      // deleted in the change log and no longer in the full customer list.
      insert(engine, "customers", "('C1', 'Z', 'ACTIVE', ts('00:30'), ts('12:00')),"
          + " ('C1', 'A', 'ACTIVE', ts('04:00'), ts('12:00'))");
      insert(engine, "accounts", "('ACC1', 'C2', ts('05:00'), ts('12:00'))");
      insert(engine, "customer_changes", "('C2', 'D', ts('05:00'), ts('12:00'))");
      engine.sql("DELETE FROM bronze.customer_list", 0);
      insert(engine, "customer_list", "('C1', ts('12:00'))");
      run(engine, models);
      assertThat(rows(engine, "SELECT s.name, s.load_ts FROM raw_vault.sat_customer s JOIN raw_vault.hub_customer h"
          + " USING (customer_hk) WHERE h.installation_id = 'C1' ORDER BY s.load_ts")).containsExactly(
              "Z,2026-01-01 00:30:00", "A,2026-01-01 01:00:00", "B,2026-01-01 02:00:00", "A,2026-01-01 03:00:00");
      assertThat(rows(engine, "SELECT status, load_ts FROM raw_vault.sts_customer_changes ORDER BY load_ts"))
          .containsExactly("I,2026-01-01 01:00:00", "D,2026-01-01 05:00:00");
      assertThat(rows(engine, "SELECT h.installation_id, s.status FROM raw_vault.sts_customer_list s JOIN"
          + " raw_vault.hub_customer h USING (customer_hk) ORDER BY h.installation_id, s.load_ts"))
          .containsExactly("C1,I", "c2 ,I", "c2 ,D");
      assertThat(rows(engine, "SELECT h.installation_id, e.start_ts, e.end_ts FROM raw_vault.eff_customer_account e"
          + " JOIN raw_vault.link_customer_account l USING (customer_account_hk) JOIN raw_vault.hub_customer h"
          + " ON h.customer_hk = l.customer_hk ORDER BY e.load_ts, e.end_ts")).containsExactly(
              "C1,2026-01-01 01:00:00,9999-12-31 00:00:00", "C1,2026-01-01 01:00:00,2026-01-01 05:00:00",
              "c2 ,2026-01-01 05:00:00,9999-12-31 00:00:00");
      assertThat(rows(engine, "SELECT count(*) FROM raw_vault.pit_customer")).containsExactly("5");
      assertThat(rows(engine, "SELECT count(*) FROM raw_vault.bridge_customer_account")).containsExactly("2");

      // Hash keys: the documented SQL evaluated by Spark and the Java function give the stored key;
      // 'c2 ' and 'C2' are one business key once trimmed and upper-cased.
      String sparkHash = HashSql.key(HashSql.Dialect.SPARK, HashAlgorithm.MD5, List.of("'C2'"));
      assertThat(rows(engine, "SELECT customer_hk = " + sparkHash + " FROM raw_vault.hub_customer"
          + " WHERE installation_id = 'c2 '")).containsExactly("true");
      assertThat(rows(engine, "SELECT customer_hk FROM raw_vault.hub_customer WHERE installation_id = 'C1'"))
          .containsExactly(VaultHash.key(HashAlgorithm.MD5, List.of("C1")));
      assertThat(rows(engine, "SELECT count(*) FROM raw_vault.hub_customer")).containsExactly("2");
    }
  }

  @Test
  void ghostRecordsAreLoadedOnceAndTheirKeysPassTheTests() {
    VaultProjects.create(dir);
    VaultProjects.write(dir, "vault/people.yml", """
        settings: {ghost_records: true, hash: sha1}
        stages:
          - {name: stg_people, from: bronze.people, hash_keys: {person_hk: id}}
        hubs:
          - {name: hub_person, key: person_hk}
        satellites:
          - {name: sat_person, parent: hub_person, payload: [name], from: stg_people}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.people (id BIGINT, name STRING, _ingested_at TIMESTAMP)", 0);
      insert(engine, "people", "(1, 'Ada', ts('10:00'))");
      run(engine, models);
      insert(engine, "people", "(2, 'Bo', ts('11:00'))");
      run(engine, models);
      String ghost = "0".repeat(40);
      assertThat(rows(engine, "SELECT person_hk, id, record_source FROM raw_vault.hub_person ORDER BY id NULLS FIRST"))
          .containsExactly(ghost + ",null,SYSTEM", VaultHash.key(HashAlgorithm.SHA1, List.of("1")) + ",1,bronze.people",
              VaultHash.key(HashAlgorithm.SHA1, List.of("2")) + ",2,bronze.people");
      assertThat(rows(engine, "SELECT count(*) FROM raw_vault.sat_person WHERE person_hk = '" + ghost + "'"))
          .containsExactly("1");
    }
  }

  @Test
  void aHubReadsEachStageSinceThatStagesOwnWatermark() {
    VaultProjects.create(dir);
    VaultProjects.write(dir, "vault/assets.yml", """
        stages:
          - {name: stg_assets, from: bronze.assets, load_ts: changed_at, hash_keys: {asset_hk: asset_id}}
          - {name: stg_readings, from: bronze.readings, load_ts: read_at, hash_keys: {asset_hk: asset_id}}
        hubs:
          - {name: hub_asset, key: asset_hk, business_keys: [asset_id], from: [stg_assets, stg_readings]}
        """);
    ModelProject models = ModelProject.load(Project.load(dir));
    try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
      engine.sql("CREATE TABLE bronze.assets (asset_id STRING, changed_at TIMESTAMP, _ingested_at TIMESTAMP)", 0);
      engine.sql("CREATE TABLE bronze.readings (asset_id STRING, read_at TIMESTAMP, _ingested_at TIMESTAMP)", 0);
      // The assets were ingested first and are seen first: the hub's rows all come from them, so its
      // own largest _ingested_at (10:00) says nothing of how far the readings (11:00) were read.
      insert(engine, "assets", "('A1', ts('01:00'), ts('10:00'))");
      insert(engine, "readings", "('A1', ts('02:00'), ts('11:00'))");
      run(engine, models);
      assertThat(engine.table("raw_vault.hub_asset").properties())
          .containsEntry("floe.watermark.stg_assets._ingested_at", "TIMESTAMP '2026-01-01 10:00:00.000000'")
          .containsEntry("floe.watermark.stg_readings._ingested_at", "TIMESTAMP '2026-01-01 11:00:00.000000'");

      // A new asset first seen in a reading: read since the readings' watermark, and loaded.
      insert(engine, "readings", "('A2', ts('03:00'), ts('12:00')), ('A1', ts('04:00'), ts('12:00'))");
      run(engine, models);
      assertThat(rows(engine, "SELECT asset_id, record_source FROM raw_vault.hub_asset ORDER BY asset_id"))
          .containsExactly("A1,bronze.assets", "A2,bronze.readings");
      assertThat(engine.table("raw_vault.hub_asset").properties())
          .containsEntry("floe.watermark.stg_readings._ingested_at", "TIMESTAMP '2026-01-01 12:00:00.000000'");
    }
  }

  private static void run(FloeEngine engine, ModelProject models) {
    RunReport report = new ModelRunner(engine, models).run(models.models().keySet(), true);
    assertThat(report.succeeded()).as(report.toString()).isTrue();
  }

  private static void insert(FloeEngine engine, String table, String values) {
    engine.sql("INSERT INTO bronze." + table + " VALUES " + values.replaceAll("ts\\('([0-9:]+)'\\)",
        "TIMESTAMP '2026-01-01 $1:00'"), 0);
  }

  private static List<String> counts(FloeEngine engine) {
    List<String> counts = new ArrayList<>();
    for (String table : List.of("hub_customer", "hub_account", "link_customer_account", "sat_customer",
        "sts_customer_changes", "sts_customer_list", "eff_customer_account")) {
      counts.add(table + "=" + rows(engine, "SELECT count(*) FROM raw_vault." + table).get(0));
    }
    return counts;
  }

  private static List<String> rows(FloeEngine engine, String sql) {
    List<String> rows = new ArrayList<>();
    for (List<Object> row : engine.sql(sql, 100).rows()) {
      rows.add(row.stream().map(value -> value instanceof java.time.Instant instant
          ? SHOWN.format(instant) : String.valueOf(value)).collect(Collectors.joining(",")));
    }
    return rows;
  }
}
