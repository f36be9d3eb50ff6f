package io.floe.models.snapshot;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How one dbt snapshot records history, from its config with dbt's names: {@code strategy}
 * ({@code timestamp} with {@code updated_at}, or {@code check} with {@code check_cols}),
 * {@code hard_deletes} (or the legacy {@code invalidate_hard_deletes}), {@code dbt_valid_to_current}
 * and {@code snapshot_meta_column_names}. The provider checks them when the project loads; they
 * reach the materialization as table properties ({@value #PREFIX}*), since a materialization is
 * given only the model's {@link io.floe.spark.materialize.MaterializeSpec}.
 *
 * @param updatedAt the column of the source row that says when it changed: required for timestamp,
 *     optional for check (else the run's time)
 * @param checkCols the compared columns for check; empty with {@code checkAll}
 * @param checkAll {@code check_cols='all'}: every column of the SELECT is compared
 * @param validToCurrent a SQL expression current rows get as {@code dbt_valid_to} instead of NULL
 * @param columns the meta columns' names
 */
public record SnapshotSettings(Strategy strategy, Optional<String> updatedAt, List<String> checkCols,
    boolean checkAll, HardDeletes hardDeletes, Optional<String> validToCurrent, MetaColumns columns) {
  /** The table property prefix the settings travel under. */
  public static final String PREFIX = "floe.snapshot.";

  /** How a changed source row is found. */
  public enum Strategy {
    TIMESTAMP,
    CHECK
  }

  /** What happens to a snapshot row whose key the SELECT no longer returns. */
  public enum HardDeletes {
    /** Nothing: it stays current. */
    IGNORE,
    /** Its {@code dbt_valid_to} is set to the run's time. */
    INVALIDATE,
    /** Invalidated, and a new current row with {@code dbt_is_deleted = 'True'} records the delete. */
    NEW_RECORD
  }

  /**
   * The names of dbt's meta columns ({@code snapshot_meta_column_names} renames them).
   *
   * @param isDeleted only written with {@code hard_deletes: new_record}
   */
  public record MetaColumns(String scdId, String updatedAt, String validFrom, String validTo, String isDeleted) {
    public static final MetaColumns DBT = new MetaColumns("dbt_scd_id", "dbt_updated_at", "dbt_valid_from",
        "dbt_valid_to", "dbt_is_deleted");
    private static final List<String> KEYS = List.of("dbt_scd_id", "dbt_updated_at", "dbt_valid_from",
        "dbt_valid_to", "dbt_is_deleted");

    public MetaColumns {
      requireNonNull(scdId, "scdId is null");
      requireNonNull(updatedAt, "updatedAt is null");
      requireNonNull(validFrom, "validFrom is null");
      requireNonNull(validTo, "validTo is null");
      requireNonNull(isDeleted, "isDeleted is null");
    }

    /** The names in dbt's order: scd id, updated at, valid from, valid to, is deleted. */
    public List<String> all() {
      return List.of(scdId, updatedAt, validFrom, validTo, isDeleted);
    }

    private static MetaColumns of(Map<String, String> renamed) {
      return new MetaColumns(renamed.getOrDefault("dbt_scd_id", DBT.scdId),
          renamed.getOrDefault("dbt_updated_at", DBT.updatedAt),
          renamed.getOrDefault("dbt_valid_from", DBT.validFrom),
          renamed.getOrDefault("dbt_valid_to", DBT.validTo),
          renamed.getOrDefault("dbt_is_deleted", DBT.isDeleted));
    }
  }

  public SnapshotSettings {
    requireNonNull(strategy, "strategy is null");
    requireNonNull(updatedAt, "updatedAt is null");
    checkCols = List.copyOf(requireNonNull(checkCols, "checkCols is null"));
    requireNonNull(hardDeletes, "hardDeletes is null");
    requireNonNull(validToCurrent, "validToCurrent is null");
    requireNonNull(columns, "columns is null");
  }

  /**
   * The settings a snapshot's merged config gives, checked as dbt checks them.
   *
   * @param where the file and line the config was written at, for errors
   * @throws FloeException (user) for a missing unique_key or strategy, a timestamp strategy without
   *     updated_at, a check strategy without check_cols, or a value that is not one of dbt's
   */
  public static SnapshotSettings fromConfig(String snapshot, Map<String, Object> config, String where) {
    if (isBlank(config.get("unique_key"))) {
      throw missing(where, snapshot, "unique_key", "unique_key='id' (or a list of columns)");
    }
    if (isBlank(config.get("strategy"))) {
      throw missing(where, snapshot, "strategy", "strategy='timestamp' with updated_at, or strategy='check' with"
          + " check_cols");
    }
    Strategy strategy = choice(where, snapshot, "strategy", config.get("strategy"), Strategy.class);
    Optional<String> updatedAt = isBlank(config.get("updated_at")) ? Optional.empty()
        : Optional.of(config.get("updated_at").toString().trim());
    List<String> checkCols = new ArrayList<>();
    boolean checkAll = false;
    if (strategy == Strategy.TIMESTAMP && updatedAt.isEmpty()) {
      throw missing(where, snapshot, "updated_at", "updated_at='updated_at' (the column that says when a row changed)");
    }
    if (strategy == Strategy.CHECK) {
      Object cols = config.get("check_cols");
      if (cols instanceof List<?> list && !list.isEmpty()) {
        list.forEach(column -> checkCols.add(String.valueOf(column).trim()));
      } else if (cols != null && cols.toString().trim().equalsIgnoreCase("all")) {
        checkAll = true;
      } else if (cols != null && !(cols instanceof List<?>) && !cols.toString().isBlank()) {
        checkCols.add(cols.toString().trim());
      } else {
        throw missing(where, snapshot, "check_cols", "check_cols=['status', 'amount'] or check_cols='all'");
      }
    }
    HardDeletes hardDeletes = HardDeletes.IGNORE;
    if (config.get("hard_deletes") != null) {
      hardDeletes = choice(where, snapshot, "hard_deletes", config.get("hard_deletes"), HardDeletes.class);
    } else if (config.get("invalidate_hard_deletes") != null
        && Boolean.parseBoolean(config.get("invalidate_hard_deletes").toString().trim())) {
      hardDeletes = HardDeletes.INVALIDATE;
    }
    Optional<String> validToCurrent = isBlank(config.get("dbt_valid_to_current")) ? Optional.empty()
        : Optional.of(config.get("dbt_valid_to_current").toString().trim());
    Map<String, String> renamed = new LinkedHashMap<>();
    Object names = config.get("snapshot_meta_column_names");
    if (names instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String key = String.valueOf(entry.getKey());
        if (!MetaColumns.KEYS.contains(key)) {
          throw FloeException.user("%s: Cannot read snapshot %s: snapshot_meta_column_names has no '%s': expected"
              + " some of %s.%s", where, snapshot, key, MetaColumns.KEYS, DidYouMean.hint(key, MetaColumns.KEYS));
        }
        if (isBlank(entry.getValue())) {
          throw FloeException.user("%s: Cannot read snapshot %s: snapshot_meta_column_names.%s is empty: expected a"
              + " column name.", where, snapshot, key);
        }
        renamed.put(key, entry.getValue().toString().trim());
      }
    } else if (names != null) {
      throw FloeException.user("%s: Cannot read snapshot %s: snapshot_meta_column_names must be a mapping"
          + " ({dbt_valid_from: start_date}), but was: %s.", where, snapshot, names);
    }
    return new SnapshotSettings(strategy, updatedAt, checkCols, checkAll, hardDeletes, validToCurrent,
        MetaColumns.of(renamed));
  }

  /** The settings as table properties, for {@link #fromProperties}. */
  public Map<String, String> toProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(PREFIX + "strategy", lower(strategy));
    updatedAt.ifPresent(column -> properties.put(PREFIX + "updated-at", column));
    if (strategy == Strategy.CHECK) {
      properties.put(PREFIX + "check-cols", checkAll ? "all" : String.join(",", checkCols));
    }
    properties.put(PREFIX + "hard-deletes", lower(hardDeletes));
    validToCurrent.ifPresent(expression -> properties.put(PREFIX + "valid-to-current", expression));
    for (int i = 0; i < MetaColumns.KEYS.size(); i++) {
      String name = columns.all().get(i);
      if (!name.equals(MetaColumns.DBT.all().get(i))) {
        properties.put(PREFIX + "column." + MetaColumns.KEYS.get(i), name);
      }
    }
    return properties;
  }

  /** The settings a snapshot's provider put in its table properties; empty for a model that is no snapshot. */
  public static Optional<SnapshotSettings> fromProperties(Map<String, String> properties) {
    String strategy = properties.get(PREFIX + "strategy");
    if (strategy == null) {
      return Optional.empty();
    }
    String checkCols = properties.getOrDefault(PREFIX + "check-cols", "");
    boolean checkAll = checkCols.equals("all");
    List<String> checked = checkAll || checkCols.isEmpty() ? List.of() : List.of(checkCols.split(","));
    Map<String, String> renamed = new LinkedHashMap<>();
    for (String key : MetaColumns.KEYS) {
      String name = properties.get(PREFIX + "column." + key);
      if (name != null) {
        renamed.put(key, name);
      }
    }
    return Optional.of(new SnapshotSettings(Strategy.valueOf(strategy.toUpperCase(Locale.ROOT)),
        Optional.ofNullable(properties.get(PREFIX + "updated-at")), checked, checkAll,
        HardDeletes.valueOf(properties.getOrDefault(PREFIX + "hard-deletes", "ignore").toUpperCase(Locale.ROOT)),
        Optional.ofNullable(properties.get(PREFIX + "valid-to-current")), MetaColumns.of(renamed)));
  }

  private static <E extends Enum<E>> E choice(String where, String snapshot, String key, Object value,
      Class<E> type) {
    String text = value.toString().trim();
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(lower(constant));
      if (lower(constant).equals(text.toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    throw FloeException.user("%s: Cannot read snapshot %s: %s must be one of %s, but was '%s'.%s", where, snapshot,
        key, allowed, text, DidYouMean.hint(text, allowed));
  }

  private static FloeException missing(String where, String snapshot, String key, String example) {
    return FloeException.user("%s: Cannot read snapshot %s: its config has no %s. Add %s.", where, snapshot, key,
        example);
  }

  private static boolean isBlank(Object value) {
    return value == null || (value instanceof List<?> list ? list.isEmpty() : value.toString().isBlank());
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
