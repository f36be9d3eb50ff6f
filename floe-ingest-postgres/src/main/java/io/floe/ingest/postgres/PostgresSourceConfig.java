package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import java.util.List;

/**
 * One PostgreSQL source: where the database is, which table, and how to read it.
 *
 * @param watermark the column an incremental load follows (a timestamp or an increasing number);
 *     null for a full load, which replaces the bronze table each run
 * @param lookBack how far behind the last watermark to re-read late rows (e.g. {@code 2 hours},
 *     or a count for numeric watermarks); needs a primary key, since re-read rows are upserted
 * @param primaryKey key columns for upserts; empty means the table's own primary key
 * @param parallelism how many key ranges to read at once
 */
public record PostgresSourceConfig(
    String name,
    ConfigValue url,
    ConfigValue user,
    ConfigValue password,
    PostgresTableName table,
    String watermark,
    String lookBack,
    List<String> primaryKey,
    int parallelism,
    int fetchSize) {
  public PostgresSourceConfig {
    requireNonNull(name, "name is null");
    requireNonNull(url, "url is null");
    requireNonNull(table, "table is null");
    primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
    if (lookBack != null && watermark == null) {
      throw FloeException.user(
          "Cannot configure source %s: look_back needs a watermark column to look back from.",
          name);
    }
    if (parallelism < 1 || fetchSize < 1) {
      throw FloeException.user(
          "Cannot configure source %s: parallelism and fetch_size must be at least 1, but were"
              + " %d and %d.",
          name, parallelism, fetchSize);
    }
  }

  public boolean isIncremental() {
    return watermark != null;
  }
}
