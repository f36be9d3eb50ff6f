package io.floe.models.snapshot;

import static io.floe.spark.sql.SparkIdentifiers.quote;

import io.floe.models.snapshot.SnapshotSettings.HardDeletes;
import io.floe.models.snapshot.SnapshotSettings.MetaColumns;
import io.floe.models.snapshot.SnapshotSettings.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark SQL of one snapshot run, as dbt's snapshot materialization defines the rows: which
 * source rows open a version, which current versions close and when, and the meta columns' values.
 * Source rows are {@code s}, the snapshot's current rows {@code c}.
 */
final class SnapshotSql {
  private static final String ACTION = "__floe_action";
  private static final String AT = "__floe_at";
  private static final String KEY = "__floe_key_";

  private final SnapshotSettings settings;
  private final MetaColumns meta;
  private final List<String> keys;
  private final String now;
  private final StructType table;
  private final Set<String> selected;

  /**
   * @param keys the unique_key columns
   * @param now the run's time, a SQL expression
   * @param table the snapshot table's columns (the SELECT's and the meta columns on a later run)
   * @param selected the SELECT's columns
   */
  SnapshotSql(SnapshotSettings settings, List<String> keys, String now, StructType table, StructType selected) {
    this.settings = settings;
    this.meta = settings.columns();
    this.keys = List.copyOf(keys);
    this.now = now;
    this.table = table;
    this.selected = List.of(selected.fieldNames()).stream().map(name -> name.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
  }

  /** The meta columns this snapshot writes, with their types, in dbt's order. */
  static Map<String, String> metaTypes(SnapshotSettings settings) {
    Map<String, String> types = new LinkedHashMap<>();
    MetaColumns meta = settings.columns();
    types.put(meta.scdId(), "STRING");
    types.put(meta.updatedAt(), "TIMESTAMP");
    types.put(meta.validFrom(), "TIMESTAMP");
    types.put(meta.validTo(), "TIMESTAMP");
    if (settings.hardDeletes() == HardDeletes.NEW_RECORD) {
      types.put(meta.isDeleted(), "STRING");
    }
    return types;
  }

  /** The first run's rows: every row of the SELECT, current from its time. */
  String firstVersions(String source) {
    List<String> columns = new ArrayList<>();
    columns.add("s.*");
    columns.add(scdId("s", versionHashed("s")) + " AS " + quote(meta.scdId()));
    columns.add(versionTime("s") + " AS " + quote(meta.updatedAt()));
    columns.add(versionTime("s") + " AS " + quote(meta.validFrom()));
    columns.add(currentValidTo() + " AS " + quote(meta.validTo()));
    if (settings.hardDeletes() == HardDeletes.NEW_RECORD) {
      columns.add("'False' AS " + quote(meta.isDeleted()));
    }
    return "SELECT " + String.join(", ", columns) + " FROM " + source + " s";
  }

  /**
   * One row per change, shaped like the table plus the key, the action ({@code insert} a version or
   * {@code close} the current one) and its time: the source of {@link #merge}.
   */
  String staged(String source, String target) {
    String current = "(SELECT * FROM " + target + " t WHERE " + isCurrent("t") + ")";
    String changed = changed();
    List<String> parts = new ArrayList<>();
    // New keys, and new versions of changed keys.
    parts.add("SELECT " + newVersion() + ", " + keysOf("s") + ", 'insert' AS " + ACTION + ", " + versionTime("s")
        + " AS " + AT + " FROM " + source + " s LEFT JOIN " + current + " c ON " + keyMatch()
        + " WHERE c." + quote(keys.get(0)) + " IS NULL OR " + changed);
    // Their current versions end where the new ones start.
    parts.add("SELECT " + copyOf("c") + ", " + keysOf("c") + ", 'close' AS " + ACTION + ", " + versionTime("s")
        + " AS " + AT + " FROM " + source + " s JOIN " + current + " c ON " + keyMatch() + " WHERE " + changed);
    if (settings.hardDeletes() != HardDeletes.IGNORE) {
      // Keys the SELECT lost: their current versions end now (a deletion record already did).
      String lost = " FROM " + current + " c LEFT ANTI JOIN " + source + " s ON " + keyMatch()
          + (settings.hardDeletes() == HardDeletes.NEW_RECORD ? " WHERE NOT " + isDeleted("c") : "");
      parts.add("SELECT " + copyOf("c") + ", " + keysOf("c") + ", 'close' AS " + ACTION + ", " + now + " AS " + AT
          + lost);
      if (settings.hardDeletes() == HardDeletes.NEW_RECORD) {
        parts.add("SELECT " + deletionRecord() + ", " + keysOf("c") + ", 'insert' AS " + ACTION + ", " + now + " AS "
            + AT + lost);
      }
    }
    return String.join(" UNION ALL ", parts);
  }

  /** Closes the current versions and inserts the new ones, in one commit. */
  String merge(String staged, String target) {
    List<String> match = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      match.add("t." + quote(keys.get(i)) + " = s." + KEY + i);
    }
    List<String> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String column : table.fieldNames()) {
      columns.add(quote(column));
      values.add("s." + quote(column));
    }
    // An insert row never matches, so a key's new version goes in while its old one is closed.
    return "MERGE INTO " + target + " t USING " + staged + " s ON s." + ACTION + " = 'close' AND " + isCurrent("t")
        + " AND " + String.join(" AND ", match)
        + " WHEN MATCHED THEN UPDATE SET t." + quote(meta.validTo()) + " = s." + AT
        + " WHEN NOT MATCHED AND s." + ACTION + " = 'insert' THEN INSERT (" + String.join(", ", columns)
        + ") VALUES (" + String.join(", ", values) + ")";
  }

  // A source row's version, in the table's columns: what the SELECT returns, and the meta columns.
  private String newVersion() {
    List<String> values = new ArrayList<>();
    for (StructField field : table.fields()) {
      String name = field.name();
      String value;
      if (name.equalsIgnoreCase(meta.scdId())) {
        value = scdId("s", versionHashed("s"));
      } else if (name.equalsIgnoreCase(meta.updatedAt()) || name.equalsIgnoreCase(meta.validFrom())) {
        value = versionTime("s");
      } else if (name.equalsIgnoreCase(meta.validTo())) {
        value = currentValidTo();
      } else if (name.equalsIgnoreCase(meta.isDeleted())) {
        value = "'False'";
      } else if (selected.contains(name.toLowerCase(Locale.ROOT))) {
        value = "s." + quote(name);
      } else {
        value = "NULL"; // a column the SELECT no longer returns
      }
      values.add("CAST(" + value + " AS " + field.dataType().sql() + ") AS " + quote(name));
    }
    return String.join(", ", values);
  }

  // dbt's deletion record: the deleted key's last values, current from now, marked deleted.
  private String deletionRecord() {
    List<String> values = new ArrayList<>();
    for (StructField field : table.fields()) {
      String name = field.name();
      String value;
      if (name.equalsIgnoreCase(meta.scdId())) {
        value = scdId("c", now);
      } else if (name.equalsIgnoreCase(meta.updatedAt()) || name.equalsIgnoreCase(meta.validFrom())) {
        value = now;
      } else if (name.equalsIgnoreCase(meta.validTo())) {
        value = currentValidTo();
      } else if (name.equalsIgnoreCase(meta.isDeleted())) {
        value = "'True'";
      } else {
        value = "c." + quote(name);
      }
      values.add("CAST(" + value + " AS " + field.dataType().sql() + ") AS " + quote(name));
    }
    return String.join(", ", values);
  }

  private String copyOf(String alias) {
    List<String> values = new ArrayList<>();
    for (String name : table.fieldNames()) {
      values.add(alias + "." + quote(name));
    }
    return String.join(", ", values);
  }

  // Copies of the key under names of their own: the merge matches on them.
  private String keysOf(String alias) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      values.add(alias + "." + quote(keys.get(i)) + " AS " + KEY + i);
    }
    return String.join(", ", values);
  }

  private String keyMatch() {
    return String.join(" AND ", keys.stream().map(key -> "c." + quote(key) + " = s." + quote(key)).toList());
  }

  // dbt's row_changed: a newer updated_at than the current version's valid_from (timestamp), or a
  // checked column that differs (check); with new_record, a key back after its deletion record.
  private String changed() {
    String changed;
    if (settings.strategy() == Strategy.TIMESTAMP) {
      changed = "c." + quote(meta.validFrom()) + " < " + versionTime("s");
    } else {
      List<String> same = new ArrayList<>();
      for (StructField field : table.fields()) {
        if (checked(field.name())) {
          same.add("c." + quote(field.name()) + " <=> CAST(s." + quote(field.name()) + " AS "
              + field.dataType().sql() + ")");
        }
      }
      changed = "NOT (" + String.join(" AND ", same) + ")";
    }
    if (settings.hardDeletes() == HardDeletes.NEW_RECORD) {
      changed = changed + " OR " + isDeleted("c");
    }
    return "(" + changed + ")";
  }

  private boolean checked(String column) {
    String name = column.toLowerCase(Locale.ROOT);
    if (!selected.contains(name) || metaTypes(settings).keySet().stream().anyMatch(column::equalsIgnoreCase)) {
      return false;
    }
    return settings.checkAll() || settings.checkCols().stream().anyMatch(column::equalsIgnoreCase);
  }

  // When a source row's version starts: its updated_at, or the run's time for check without one.
  private String versionTime(String alias) {
    return settings.updatedAt().map(column -> "CAST(" + alias + "." + quote(column) + " AS TIMESTAMP)").orElse(now);
  }

  // What dbt_scd_id hashes besides the key: updated_at as the SELECT returns it, or the run's time.
  private String versionHashed(String alias) {
    return settings.updatedAt().map(column -> alias + "." + quote(column)).orElse(now);
  }

  // dbt's scd id: md5 of the key's columns and the version's time, each cast to text, '|' between.
  private String scdId(String alias, String time) {
    List<String> parts = new ArrayList<>();
    for (String key : keys) {
      parts.add("coalesce(CAST(" + alias + "." + quote(key) + " AS STRING), '')");
    }
    parts.add("coalesce(CAST(" + time + " AS STRING), '')");
    return "md5(concat_ws('|', " + String.join(", ", parts) + "))";
  }

  private String currentValidTo() {
    return settings.validToCurrent().map(expression -> "CAST((" + expression + ") AS TIMESTAMP)")
        .orElse("CAST(NULL AS TIMESTAMP)");
  }

  private String isCurrent(String alias) {
    String validTo = alias + "." + quote(meta.validTo());
    return "(" + validTo + " IS NULL" + settings.validToCurrent()
        .map(expression -> " OR " + validTo + " = CAST((" + expression + ") AS TIMESTAMP)").orElse("") + ")";
  }

  private String isDeleted(String alias) {
    return "(" + alias + "." + quote(meta.isDeleted()) + " <=> 'True')";
  }
}
