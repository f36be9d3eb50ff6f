package io.floe.spark.materialize;

import static io.floe.spark.sql.SparkIdentifiers.quote;

import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.MaterializeSpec.Scd2;
import io.floe.spark.sql.SparkErrors;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code materialized='scd2'}: keeps every version of each {@code unique_key}. The SELECT is the
 * full current state; a key whose row changed (its {@code updated_at} grew, or one of
 * {@code check_cols} differs) gets its current version closed ({@code valid_to}) and a new one
 * opened; a key that disappeared is closed and marked {@code is_deleted}; a new key opens a
 * version. The same input again changes nothing and commits nothing.
 */
public final class Scd2Materialization implements Materialization {
  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String IS_CURRENT = "is_current";
  public static final String IS_DELETED = "is_deleted";

  @Override
  public String name() {
    return Materializations.SCD2;
  }

  @Override
  public java.util.Optional<String> problem(MaterializeSpec spec) {
    return spec.uniqueKey().isEmpty() ? java.util.Optional.of("scd2 needs unique_key. Add it to its config")
        : java.util.Optional.empty();
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    Scd2 history = spec.scd2().orElseThrow(() -> new IllegalArgumentException("scd2 settings missing"));
    Dataset<Row> rows = SparkErrors.translate("run model SQL for " + spec.table(), () -> engine.session().sql(select));
    StructType schema = rows.schema()
        .add(VALID_FROM, DataTypes.TimestampType)
        .add(VALID_TO, DataTypes.TimestampType)
        .add(IS_CURRENT, DataTypes.BooleanType)
        .add(IS_DELETED, DataTypes.BooleanType);
    TargetTable table = TargetTable.prepare(engine, spec, target, schema, spec.onSchemaChange());
    String source = "floe_scd2_source_" + UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(source);
    try {
      List<String> columns = new ArrayList<>();
      for (String name : rows.columns()) {
        columns.add(quote(name));
      }
      String now = "TIMESTAMP '" + Timestamp.from(Instant.now()) + "'";
      // Computed once, before the merge: the merge's source then no longer reads the table it writes.
      Dataset<Row> staged = SparkErrors.translate("compare new rows with " + spec.table(),
          () -> engine.session().sql(staged(source, target.identifier(), columns, spec.uniqueKey(), history, now))
              .localCheckpoint());
      if (!staged.isEmpty()) {
        staged.createOrReplaceTempView(source + "_staged");
        TargetTable.run(engine, "merge history into " + spec.table(),
            merge(source + "_staged", target.identifier(), columns, spec.uniqueKey()));
      }
    } finally {
      engine.session().catalog().dropTempView(source);
      engine.session().catalog().dropTempView(source + "_staged");
    }
    return table.result();
  }

  // One row per action: 'close' (the current version of a changed key), 'open' (a new version of a
  // new or changed key) and 'delete' (a current version whose key the SELECT no longer has).
  private static String staged(String source, String table, List<String> columns, List<String> keys, Scd2 history,
      String now) {
    String keyMatch = String.join(" AND ", keys.stream().map(key -> "a." + quote(key) + " = b." + quote(key)).toList());
    String changed = history.updatedAt()
        .map(column -> "b." + quote(column) + " > a." + quote(column))
        .orElseGet(() -> "NOT (" + String.join(" AND ", history.checkCols().stream()
            .map(column -> "a." + quote(column) + " <=> b." + quote(column)).toList()) + ")");
    String validFrom = history.updatedAt().map(column -> "CAST(b." + quote(column) + " AS TIMESTAMP)").orElse(now);
    String b = prefixed("b.", columns);
    String a = prefixed("a.", columns);
    String keysOfB = keyColumns("b.", keys);
    String keysOfA = keyColumns("a.", keys);
    String current = "(SELECT * FROM " + table + " WHERE " + IS_CURRENT + ")";
    return "SELECT " + b + ", " + keysOfB + ", 'close' AS __action, " + validFrom + " AS __at FROM " + source
        + " b JOIN " + current + " a ON " + keyMatch + " WHERE " + changed
        + " UNION ALL SELECT " + b + ", " + keysOfB + ", 'open' AS __action, " + validFrom + " AS __at FROM "
        + source + " b LEFT JOIN " + current + " a ON " + keyMatch + " WHERE a." + quote(keys.get(0))
        + " IS NULL OR " + changed
        + " UNION ALL SELECT " + a + ", " + keysOfA + ", 'delete' AS __action, " + now + " AS __at FROM "
        + current + " a LEFT ANTI JOIN " + source + " b ON " + keyMatch;
  }

  private static String merge(String staged, String table, List<String> columns, List<String> keys) {
    List<String> match = new ArrayList<>();
    for (String key : keys) {
      match.add("t." + quote(key) + " = s." + quote("__key_" + key));
    }
    // An 'open' row never matches, so it is inserted even when its key has a current version.
    return "MERGE INTO " + table + " t USING " + staged + " s ON s.__action <> 'open' AND t." + IS_CURRENT
        + " AND " + String.join(" AND ", match)
        + " WHEN MATCHED AND s.__action = 'delete' THEN UPDATE SET t." + VALID_TO + " = s.__at, t." + IS_CURRENT
        + " = false, t." + IS_DELETED + " = true"
        + " WHEN MATCHED AND s.__action = 'close' THEN UPDATE SET t." + VALID_TO + " = s.__at, t." + IS_CURRENT
        + " = false"
        + " WHEN NOT MATCHED AND s.__action = 'open' THEN INSERT (" + String.join(", ", columns) + ", "
        + VALID_FROM + ", " + VALID_TO + ", " + IS_CURRENT + ", " + IS_DELETED + ") VALUES ("
        + prefixed("s.", columns) + ", s.__at, NULL, true, false)";
  }

  private static String prefixed(String alias, List<String> columns) {
    return String.join(", ", columns.stream().map(column -> alias + column).toList());
  }

  // Copies of the key under names of their own: the merge matches on them.
  private static String keyColumns(String alias, List<String> keys) {
    List<String> parts = new ArrayList<>();
    for (String key : keys) {
      parts.add(alias + quote(key) + " AS " + quote("__key_" + key));
    }
    return String.join(", ", parts);
  }
}
