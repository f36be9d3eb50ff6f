package io.floe.models.snapshot;

import static io.floe.spark.sql.SparkIdentifiers.quote;

import io.floe.core.error.FloeException;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.Materialization;
import io.floe.spark.materialize.MaterializeResult;
import io.floe.spark.materialize.MaterializeSpec;
import io.floe.spark.materialize.Materializations;
import io.floe.spark.materialize.WriteTarget;
import io.floe.spark.sql.SparkErrors;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code materialized='snapshot'}: a dbt snapshot, a type-2 history of the SELECT's rows by
 * {@code unique_key} with dbt's meta columns: {@code dbt_scd_id} (md5 of the key and the row's
 * {@code updated_at}, as dbt computes it), {@code dbt_updated_at}, {@code dbt_valid_from},
 * {@code dbt_valid_to} (NULL, or {@code dbt_valid_to_current}, while the row is current) and,
 * with {@code hard_deletes: new_record}, {@code dbt_is_deleted} ('True' / 'False', as dbt writes it).
 *
 * <p>The first run takes every row as current from its {@code updated_at} (timestamp strategy) or
 * the run's time (check strategy). A later run closes the current version of every changed key
 * ({@code dbt_valid_to} = the new version's {@code dbt_valid_from}) and inserts the new version, in
 * one {@code MERGE INTO} on the run's branch; keys the SELECT lost are left, invalidated or recorded
 * as deleted by {@code hard_deletes}. The same rows again change nothing and commit nothing.
 */
public final class SnapshotMaterialization implements Materialization {
  /** The name a snapshot's config asks for. */
  public static final String NAME = "snapshot";

  @Override
  public String name() {
    return NAME;
  }

  /**
   * False, although a snapshot keeps what it wrote: the runner rebuilds an incremental table on
   * {@code --full-refresh}, and a snapshot's history is never rebuilt (dbt never full-refreshes a
   * snapshot). A full refresh runs it as any run.
   */
  @Override
  public boolean incremental() {
    return false;
  }

  @Override
  public Optional<String> problem(MaterializeSpec spec) {
    if (SnapshotSettings.fromProperties(spec.properties()).isEmpty()) {
      return Optional.of("a snapshot is declared in snapshots/ (a {% snapshot name %} block in a .sql file, or an"
          + " entry of snapshots: in a .yml file), not with materialized='snapshot'");
    }
    return spec.uniqueKey().isEmpty() ? Optional.of("a snapshot needs unique_key. Add it to its config")
        : Optional.empty();
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    SnapshotSettings settings = SnapshotSettings.fromProperties(spec.properties())
        .orElseThrow(() -> FloeException.user("Cannot snapshot %s: %s.", spec.table(), problem(spec).orElseThrow()));
    // Read once: the checks, the comparison and the first write all see the same rows.
    Dataset<Row> rows = SparkErrors.translate("run snapshot SQL for " + spec.table(),
        () -> engine.session().sql(select).localCheckpoint());
    check(engine, spec, settings, rows);
    // The run's time, one value for every row of this run (the check strategy's valid_from, deletes).
    String now = "timestamp_micros(" + ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + "L)";
    String source = "floe_snapshot_source_" + UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(source);
    try {
      if (!engine.icebergCatalog().tableExists(TableIdentifier.parse(spec.table()))) {
        // The first run: every row is current. The table write creates the table and the branch.
        SnapshotSql sql = new SnapshotSql(settings, spec.uniqueKey(), now, rows.schema(), rows.schema());
        return Materializations.named(Materializations.TABLE).materialize(engine, spec, sql.firstVersions(source),
            target);
      }
      StructType schema = evolve(engine, spec, settings, rows.schema());
      String branch = target.branch().orElse(null);
      if (branch != null) {
        createBranch(engine, spec.table(), branch);
      }
      Optional<Long> before = head(engine, spec.table(), target);
      SnapshotSql sql = new SnapshotSql(settings, spec.uniqueKey(), now, schema, rows.schema());
      // Computed once, before the merge: the merge's source then no longer reads the table it writes.
      Dataset<Row> staged = SparkErrors.translate("compare new rows with " + spec.table(),
          () -> engine.session().sql(sql.staged(source, target.identifier())).localCheckpoint());
      if (!staged.isEmpty()) {
        staged.createOrReplaceTempView(source + "_staged");
        SparkErrors.translate("merge the snapshot into " + spec.table(),
            () -> engine.session().sql(sql.merge(source + "_staged", target.identifier())).collectAsList());
      }
      return result(engine, spec.table(), target, before);
    } finally {
      engine.session().catalog().dropTempView(source);
      engine.session().catalog().dropTempView(source + "_staged");
    }
  }

  // The SELECT must have the columns the config names, no meta column, and one row per key.
  private static void check(FloeEngine engine, MaterializeSpec spec, SnapshotSettings settings, Dataset<Row> rows) {
    Set<String> columns = lowerCase(List.of(rows.columns()));
    List<String> named = new ArrayList<>(spec.uniqueKey());
    settings.updatedAt().ifPresent(named::add);
    named.addAll(settings.checkCols());
    for (String column : named) {
      if (!columns.contains(column.toLowerCase(Locale.ROOT))) {
        throw FloeException.user("Cannot snapshot %s: its config names column '%s', but the SELECT returns only %s."
            + " Select it, or fix the config.", spec.table(), column, List.of(rows.columns()));
      }
    }
    for (String meta : settings.columns().all()) {
      if (columns.contains(meta.toLowerCase(Locale.ROOT))) {
        throw FloeException.user("Cannot snapshot %s: the SELECT returns column '%s', which the snapshot writes"
            + " itself. Rename it, or rename the meta column with snapshot_meta_column_names.", spec.table(), meta);
      }
    }
    String keys = String.join(", ", spec.uniqueKey());
    String nullKey = String.join(" OR ", spec.uniqueKey().stream().map(key -> quote(key) + " IS NULL").toList());
    Column[] keyColumns = spec.uniqueKey().stream().map(key -> functions.col(quote(key))).toArray(Column[]::new);
    // One pass finds both: a NULL key and a key of several rows.
    List<Row> bad = SparkErrors.translate("check the unique_key of " + spec.table(),
        () -> rows.groupBy(keyColumns).count().where("count > 1 OR " + nullKey).limit(1).collectAsList());
    if (bad.isEmpty()) {
      return;
    }
    Row row = bad.get(0);
    List<String> values = new ArrayList<>();
    boolean anyNull = false;
    for (int i = 0; i < keyColumns.length; i++) {
      values.add(String.valueOf(row.get(i)));
      anyNull |= row.isNullAt(i);
    }
    if (anyNull) {
      throw FloeException.user("Cannot snapshot %s: unique_key (%s) is NULL in a row of the SELECT. A snapshot"
          + " tracks rows by their key: filter such rows out, or choose another unique_key.", spec.table(), keys);
    }
    throw FloeException.user("Cannot snapshot %s: unique_key (%s) is not unique in the SELECT: %d rows have (%s)."
        + " Make the SELECT return one row per key.", spec.table(), keys, row.getLong(keyColumns.length),
        String.join(", ", values));
  }

  private static Set<String> lowerCase(List<String> names) {
    return names.stream().map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }

  // New columns of the SELECT (and meta columns a changed config needs) are added, as dbt does;
  // columns the SELECT no longer has stay, NULL in new versions. Schema changes are table
  // metadata, shared by every branch.
  private static StructType evolve(FloeEngine engine, MaterializeSpec spec, SnapshotSettings settings,
      StructType selected) {
    StructType current = engine.session().table(spec.table()).schema();
    Set<String> existing = lowerCase(List.of(current.fieldNames()));
    List<String> additions = new ArrayList<>();
    for (StructField field : selected.fields()) {
      if (!existing.contains(field.name().toLowerCase(Locale.ROOT))) {
        additions.add(quote(field.name()) + " " + field.dataType().sql());
      }
    }
    Map<String, String> meta = new LinkedHashMap<>(SnapshotSql.metaTypes(settings));
    meta.forEach((name, type) -> {
      if (!existing.contains(name.toLowerCase(Locale.ROOT))) {
        additions.add(quote(name) + " " + type);
      }
    });
    for (String column : additions) {
      SparkErrors.translate("add column " + column + " to " + spec.table(),
          () -> engine.session().sql("ALTER TABLE " + spec.table() + " ADD COLUMN " + column).collectAsList());
    }
    return additions.isEmpty() ? current : engine.session().table(spec.table()).schema();
  }

  private static void createBranch(FloeEngine engine, String name, String branch) {
    Table table = engine.table(name);
    if (table.refs().get(branch) != null) {
      return;
    }
    SparkErrors.translate("create branch " + branch + " of " + name, () -> {
      Snapshot main = table.currentSnapshot();
      if (main == null) {
        table.manageSnapshots().createBranch(branch).commit();
      } else {
        table.manageSnapshots().createBranch(branch, main.snapshotId()).commit();
      }
      return null;
    });
  }

  private static Optional<Long> head(FloeEngine engine, String name, WriteTarget target) {
    Table table = engine.table(name);
    Snapshot snapshot = target.branch().map(table::snapshot).orElseGet(table::currentSnapshot);
    return Optional.ofNullable(snapshot).map(Snapshot::snapshotId);
  }

  // Rows added by the snapshots this write committed on the target (a merge counts rewritten rows too).
  private static MaterializeResult result(FloeEngine engine, String name, WriteTarget target, Optional<Long> before) {
    Optional<Long> after = head(engine, name, target);
    if (after.isEmpty() || after.equals(before)) {
      return new MaterializeResult(name, 0, Optional.empty(), false);
    }
    Table table = engine.table(name);
    long rows = 0;
    for (Snapshot snapshot = table.snapshot(after.get()); snapshot != null
        && (before.isEmpty() || snapshot.snapshotId() != before.get());
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      rows += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
    }
    return new MaterializeResult(name, rows, after, false);
  }
}
