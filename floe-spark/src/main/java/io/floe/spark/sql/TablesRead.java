package io.floe.spark.sql;

import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.spark.source.SparkTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Iceberg tables a query reads, and the snapshot each holds now: what a view's result depends
 * on. Read from the query's analyzed plan (its subqueries too), so no Spark job runs.
 */
public final class TablesRead {
  private TablesRead() {}

  /**
   * Each Iceberg table the query reads, by name, with "snapshot:ID" (or "snapshot:none" while it is
   * empty); empty when the query reads anything else whose state cannot be told (files, another
   * catalog's tables, a metadata table), so that a caller cannot take an old result for a new one.
   */
  public static Optional<SortedMap<String, String>> of(Dataset<Row> query) {
    SortedMap<String, String> tables = new TreeMap<>();
    return collect(query.queryExecution().analyzed(), tables) ? Optional.of(tables) : Optional.empty();
  }

  /**
   * The snapshot whose rows {@code snapshot} holds: itself, or, for a snapshot that only replaced
   * files (a compaction, a manifest rewrite: Iceberg's "replace" operation never changes the rows),
   * the first ancestor that is not one. A model over a table that was only compacted is unchanged.
   * Null for null.
   */
  public static Snapshot dataVersion(org.apache.iceberg.Table table, Snapshot snapshot) {
    Snapshot version = snapshot;
    while (version != null && org.apache.iceberg.DataOperations.REPLACE.equals(version.operation())
        && version.parentId() != null) {
      Snapshot parent = table.snapshot(version.parentId());
      if (parent == null) {
        break; // expired: the replace snapshot stands for its rows
      }
      version = parent;
    }
    return version;
  }

  private static boolean collect(LogicalPlan plan, SortedMap<String, String> tables) {
    if (plan instanceof DataSourceV2Relation relation) {
      if (!(relation.table() instanceof SparkTable iceberg)) {
        return false;
      }
      Snapshot current = dataVersion(iceberg.table(), iceberg.table().currentSnapshot());
      tables.put(iceberg.table().name(), "snapshot:" + (current == null ? "none" : current.snapshotId()));
      return true;
    }
    if (plan.children().isEmpty()) {
      // Constants are the only leaves whose rows cannot change under the query.
      return plan instanceof LocalRelation || plan instanceof OneRowRelation || plan instanceof Range;
    }
    for (Expression expression : CollectionConverters.asJava(plan.expressions())) {
      if (!collect(expression, tables)) {
        return false;
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      if (!collect(child, tables)) {
        return false;
      }
    }
    return true;
  }

  private static boolean collect(Expression expression, SortedMap<String, String> tables) {
    if (expression instanceof SubqueryExpression subquery && !collect(subquery.plan(), tables)) {
      return false;
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      if (!collect(child, tables)) {
        return false;
      }
    }
    return true;
  }
}
