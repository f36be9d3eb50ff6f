package io.floe.spark.sql;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression$;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Whether a query maps the rows of one table one by one: each output row comes from one input row,
 * whatever the other rows hold. Such a query over the rows appended to its table gives exactly the
 * rows it gives now and did not give before, so what holds of each of its old rows still does.
 */
public final class RowWiseQueries {
  private RowWiseQueries() {}

  /**
   * True when the query's analyzed plan is projections, filters and aliases over one Iceberg
   * table, with deterministic expressions and no subqueries; false for anything else (joins,
   * aggregates, windows, unions, limits, sorts, generators, a second table).
   */
  public static boolean readsOneTableRowByRow(Dataset<Row> query) {
    return rowByRow(query.queryExecution().analyzed());
  }

  private static boolean rowByRow(LogicalPlan plan) {
    if (plan instanceof DataSourceV2Relation) {
      return true;
    }
    boolean mapsRows = plan instanceof Project || plan instanceof Filter || plan instanceof SubqueryAlias
        || plan instanceof View;
    if (!mapsRows || plan.children().size() != 1) {
      return false;
    }
    for (Expression expression : CollectionConverters.asJava(plan.expressions())) {
      if (!expression.deterministic() || SubqueryExpression$.MODULE$.hasSubquery(expression)) {
        return false;
      }
    }
    return rowByRow(plan.children().apply(0));
  }
}
