package io.floe.spark.materialize;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine needs to turn a model's rendered SELECT into a table: the target and the
 * settings of its materialization. The model layer builds it from the model's config; the engine
 * never sees Jinja.
 *
 * @param table the target, {@code namespace.name}
 * @param materialized the name of the {@link Materialization} that makes the table ({@link Materializations})
 * @param strategy for {@code incremental}: how new rows meet existing ones
 * @param uniqueKey columns that identify a row (merge, scd2)
 * @param deleteCondition for merge: a SQL condition on the new rows; a matching row deletes its key
 * @param partitionBy Iceberg partition transforms, e.g. {@code days(ts)}, {@code bucket(16, id)}
 * @param sortBy the table's write order, e.g. {@code ts}, {@code id DESC}
 * @param properties Iceberg table properties
 * @param onSchemaChange what an incremental run does when the SELECT's columns differ from the table's
 * @param scd2 history settings for {@code scd2}
 */
public record MaterializeSpec(
    String table,
    String materialized,
    Strategy strategy,
    List<String> uniqueKey,
    Optional<String> deleteCondition,
    List<String> partitionBy,
    List<String> sortBy,
    Map<String, String> properties,
    OnSchemaChange onSchemaChange,
    Optional<Scd2> scd2) {
  /** Incremental strategies. */
  public enum Strategy {
    APPEND,
    MERGE,
    INSERT_OVERWRITE
  }

  /** What an incremental write does with columns the table and the SELECT do not share. */
  public enum OnSchemaChange {
    /** New columns are added; columns the SELECT no longer has stay and get NULL. */
    APPEND_NEW_COLUMNS,
    /** The table's columns become the SELECT's: new ones added, missing ones dropped. */
    SYNC,
    /** Any difference stops the run. */
    FAIL
  }

  /**
   * How SCD2 history detects a change.
   *
   * @param updatedAt for the timestamp strategy: the column whose increase marks a new version
   * @param checkCols for the check strategy: the columns whose change marks a new version
   */
  public record Scd2(Optional<String> updatedAt, List<String> checkCols) {
    public Scd2 {
      requireNonNull(updatedAt, "updatedAt is null");
      checkCols = List.copyOf(requireNonNull(checkCols, "checkCols is null"));
      if (updatedAt.isEmpty() == checkCols.isEmpty()) {
        throw new IllegalArgumentException(
            "Invalid scd2 settings: give either updated_at (timestamp) or check_cols (check)");
      }
    }
  }

  public MaterializeSpec {
    requireNonNull(table, "table is null");
    requireNonNull(materialized, "materialized is null");
    requireNonNull(strategy, "strategy is null");
    uniqueKey = List.copyOf(requireNonNull(uniqueKey, "uniqueKey is null"));
    requireNonNull(deleteCondition, "deleteCondition is null");
    partitionBy = List.copyOf(requireNonNull(partitionBy, "partitionBy is null"));
    sortBy = List.copyOf(requireNonNull(sortBy, "sortBy is null"));
    properties = Map.copyOf(requireNonNull(properties, "properties is null"));
    requireNonNull(onSchemaChange, "onSchemaChange is null");
    requireNonNull(scd2, "scd2 is null");
  }

  /** A spec with defaults: a table, appended to, no keys, no partitioning. */
  public static MaterializeSpec of(String table, String materialized) {
    return new MaterializeSpec(table, materialized, Strategy.APPEND, List.of(), Optional.empty(), List.of(),
        List.of(), Map.of(), OnSchemaChange.APPEND_NEW_COLUMNS, Optional.empty());
  }
}
