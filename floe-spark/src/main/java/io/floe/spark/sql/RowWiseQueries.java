package io.floe.spark.sql;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
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

  /**
   * The columns of a query that {@link #readsOneTableRowByRow reads one table row by row} which are a
   * column of that table as it is (selected, perhaps renamed, not computed or cast): each one's name,
   * lower-cased, to the table column's name. Empty for any other query.
   */
  public static Map<String, String> tableColumns(Dataset<Row> query) {
    LogicalPlan plan = query.queryExecution().analyzed();
    Map<String, String> columns = new HashMap<>();
    if (rowByRow(plan)) {
      for (Attribute output : CollectionConverters.asJava(plan.output())) {
        tableColumn(plan, output.exprId()).ifPresent(name -> columns.put(output.name().toLowerCase(Locale.ROOT), name));
      }
    }
    return columns;
  }

  // The table column the attribute id stands for in plan (a row-by-row plan), when it is one as it is.
  private static Optional<String> tableColumn(LogicalPlan plan, ExprId id) {
    if (plan instanceof DataSourceV2Relation relation) {
      for (Attribute column : CollectionConverters.asJava(relation.output())) {
        if (column.exprId().equals(id)) {
          return Optional.of(column.name());
        }
      }
      return Optional.empty();
    }
    if (plan instanceof Project project) {
      for (NamedExpression expression : CollectionConverters.asJava(project.projectList())) {
        if (expression.exprId().equals(id)) {
          Object value = expression instanceof Alias alias ? alias.child() : expression;
          return value instanceof AttributeReference column ? tableColumn(project.child(), column.exprId())
              : Optional.empty();
        }
      }
      return Optional.empty();
    }
    // A filter, an alias or a view has its child's columns.
    return tableColumn(plan.children().apply(0), id);
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
