package io.floe.duckdb;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.source.SparkTable;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Abs;
import org.apache.spark.sql.catalyst.expressions.Add;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CaseWhen;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.ConcatWs;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
import org.apache.spark.sql.catalyst.expressions.DateAdd;
import org.apache.spark.sql.catalyst.expressions.DateDiff;
import org.apache.spark.sql.catalyst.expressions.DateFormatClass;
import org.apache.spark.sql.catalyst.expressions.DateSub;
import org.apache.spark.sql.catalyst.expressions.DayOfMonth;
import org.apache.spark.sql.catalyst.expressions.DayOfWeek;
import org.apache.spark.sql.catalyst.expressions.Divide;
import org.apache.spark.sql.catalyst.expressions.EqualNullSafe;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FrameLessOffsetWindowFunction;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Greatest;
import org.apache.spark.sql.catalyst.expressions.Hour;
import org.apache.spark.sql.catalyst.expressions.If;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.Lag;
import org.apache.spark.sql.catalyst.expressions.Lead;
import org.apache.spark.sql.catalyst.expressions.InSet;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Least;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.MakeDecimal;
import org.apache.spark.sql.catalyst.expressions.Md5;
import org.apache.spark.sql.catalyst.expressions.Minute;
import org.apache.spark.sql.catalyst.expressions.Month;
import org.apache.spark.sql.catalyst.expressions.Multiply;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.NumericEvalContext;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.ScalarSubquery;
import org.apache.spark.sql.catalyst.expressions.Second;
import org.apache.spark.sql.catalyst.expressions.Sha1;
import org.apache.spark.sql.catalyst.expressions.Sha2;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.SpecifiedWindowFrame;
import org.apache.spark.sql.catalyst.expressions.StringTrim;
import org.apache.spark.sql.catalyst.expressions.Subtract;
import org.apache.spark.sql.catalyst.expressions.TimestampAddInterval;
import org.apache.spark.sql.catalyst.expressions.UnaryMinus;
import org.apache.spark.sql.catalyst.expressions.UnixDate;
import org.apache.spark.sql.catalyst.expressions.UnixTimestamp;
import org.apache.spark.sql.catalyst.expressions.UnscaledValue;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.catalyst.expressions.WindowExpression;
import org.apache.spark.sql.catalyst.expressions.WindowSpecDefinition;
import org.apache.spark.sql.catalyst.expressions.Year;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Max;
import org.apache.spark.sql.catalyst.expressions.aggregate.MaxBy;
import org.apache.spark.sql.catalyst.expressions.aggregate.Min;
import org.apache.spark.sql.catalyst.expressions.aggregate.MinBy;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.plans.ExistenceJoin;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Expand;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Sort;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.catalyst.plans.logical.Window;
import org.apache.spark.sql.catalyst.plans.logical.WindowGroupLimit;
import org.apache.spark.sql.connector.read.LocalScan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2ScanRelation;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DayTimeIntervalType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's optimized plan of a query as one DuckDB SELECT, for the plans whose every node and
 * expression DuckDB computes with Spark's exact result. Anything else is {@link Unsupported}, and
 * Spark runs the query.
 *
 * <p>Written by hand: no library turns a Catalyst plan into another engine's SQL. It translates the
 * plan, not the user's text, so Spark's analysis (name resolution, implicit casts, result types) is
 * already in it: every node becomes a subquery whose columns are named by the attributes' ids
 * ({@code c42}), which no two attributes share. Where DuckDB differs from Spark at run time (an
 * ANSI error such as a division by zero, a case mapping outside ASCII), the SQL raises an error
 * and the caller lets Spark run the query instead.
 */
final class PlanSql {
  /** Why a plan cannot run in DuckDB with Spark's result. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * A table the query reads: the DuckDB view that stands for it, and the columns read.
   *
   * @param tasks the data files read, with their delete files: those Spark's scan of the table reads
   *     (a snapshot, or the rows appended between two)
   * @param columns the table's fields read, each with the attribute id it is read as
   * @param reading how the files were chosen, to choose them again in a later snapshot; null when they
   *     were not chosen by a filter alone (the rows appended between two snapshots)
   */
  record Scan(String view, Table table, List<FileScanTask> tasks, List<ScanColumn> columns, Reading reading) {
    Scan withTasks(Table newTable, List<FileScanTask> newTasks) {
      return new Scan(view, newTable, newTasks, columns, reading);
    }
  }

  /**
   * How a scan chose its files: the branch it read (null for main) at its newest snapshot, and the
   * filter Spark pushed into it, which pruned files by partition and column bounds.
   */
  record Reading(String branch, org.apache.iceberg.expressions.Expression filter, boolean caseSensitive)
      implements java.io.Serializable {}

  /** A table column a scan reads: its Iceberg field and the attribute it becomes. */
  record ScanColumn(long attribute, Types.NestedField field, DataType type) implements java.io.Serializable {}

  /**
   * The query as DuckDB SQL, with the tables it reads.
   *
   * @param sql a SELECT whose columns are the plan's output, named as Spark names them
   * @param notReusable why the SQL holds for the tables' current snapshots only (values Spark read from
   *     metadata, files listed by name, a range of snapshots), or null when it holds for later ones
   *     with the same schemas, its scans' files chosen again by {@link Scan#reading}
   * @param metadataValues whether Spark answered an aggregate from table metadata (Iceberg's aggregate
   *     push-down), one reason a compiled query is not reusable
   */
  record Compiled(String sql, List<Scan> scans, String notReusable, boolean metadataValues) {}

  private final List<Scan> scans = new ArrayList<>();
  private String notReusable;
  private boolean metadataValues;
  private int aliases;

  private PlanSql() {}

  /** Translates {@code plan}, an optimized plan over Iceberg tables. */
  static Compiled compile(LogicalPlan plan) throws Unsupported {
    PlanSql compiler = new PlanSql();
    String body = compiler.node(plan);
    List<String> columns = new ArrayList<>();
    for (Attribute attribute : list(plan.output())) {
      columns.add("CAST(" + column(attribute) + " AS " + type(attribute.dataType()) + ") AS "
          + identifier(attribute.name()));
    }
    return new Compiled("SELECT " + String.join(", ", columns) + " FROM (" + body + ") " + compiler.alias(),
        List.copyOf(compiler.scans), compiler.notReusable, compiler.metadataValues);
  }

  // ---- plan nodes: each a SELECT whose columns are named c<attribute id> ----

  private String node(LogicalPlan plan) throws Unsupported {
    if (plan instanceof Project project) {
      List<String> columns = new ArrayList<>();
      for (NamedExpression expression : list(project.projectList())) {
        columns.add(named(expression));
      }
      return "SELECT " + (columns.isEmpty() ? "1 AS c_none" : String.join(", ", columns)) + " FROM ("
          + node(project.child()) + ") " + alias();
    }
    if (plan instanceof Filter filter) {
      return "SELECT * FROM (" + node(filter.child()) + ") " + alias() + " WHERE " + expr(filter.condition());
    }
    if (plan instanceof Aggregate aggregate) {
      return aggregate(aggregate);
    }
    if (plan instanceof Join join) {
      return join(join);
    }
    if (plan instanceof Window window) {
      return window(window);
    }
    if (plan instanceof WindowGroupLimit limit) {
      // An optimization of a rank filter that stays in the plan above it: the filter alone gives the rows.
      return node(limit.child());
    }
    if (plan instanceof Union union) {
      return union(union);
    }
    if (plan instanceof Sort sort) {
      if (!sort.global()) {
        throw new Unsupported("a sort within partitions");
      }
      String order = orders(sort.order());
      return "SELECT * FROM (" + node(sort.child()) + ") " + alias() + (order.isEmpty() ? "" : " ORDER BY " + order);
    }
    if (plan instanceof GlobalLimit global && global.child() instanceof LocalLimit local) {
      return "SELECT * FROM (" + node(local.child()) + ") " + alias() + " LIMIT " + expr(global.limitExpr());
    }
    if (plan instanceof Expand expand) {
      // Spark's plan for several DISTINCT aggregates: each input row once per projection.
      String child = node(expand.child());
      List<Attribute> output = list(expand.output());
      List<String> parts = new ArrayList<>();
      for (scala.collection.Seq<Expression> projection : list(expand.projections())) {
        List<Expression> expressions = list(projection);
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < output.size(); i++) {
          columns.add("CAST(" + expr(expressions.get(i)) + " AS " + type(output.get(i).dataType()) + ") AS "
              + column(output.get(i)));
        }
        parts.add("SELECT " + String.join(", ", columns) + " FROM (" + child + ") " + alias());
      }
      return String.join(" UNION ALL ", parts);
    }
    if (plan instanceof OneRowRelation) {
      return "SELECT 1 AS c_none";
    }
    if (plan instanceof DataSourceV2ScanRelation relation) {
      return scan(relation);
    }
    if (plan instanceof LogicalRelation relation) {
      return writtenFiles(relation);
    }
    if (plan instanceof LocalRelation local && !local.isStreaming()) {
      // Rows in the plan itself (VALUES, an empty result Spark's optimizer folded).
      return localRows(list(local.data()).toArray(InternalRow[]::new), list(local.output()));
    }
    throw new Unsupported("the plan step " + plan.nodeName());
  }

  private String aggregate(Aggregate aggregate) throws Unsupported {
    List<String> columns = new ArrayList<>();
    for (NamedExpression expression : list(aggregate.aggregateExpressions())) {
      columns.add(named(expression));
    }
    List<String> groups = new ArrayList<>();
    for (Expression grouping : list(aggregate.groupingExpressions())) {
      groups.add(expr(grouping));
    }
    if (columns.isEmpty()) {
      throw new Unsupported("an aggregate with no columns");
    }
    return "SELECT " + String.join(", ", columns) + " FROM (" + node(aggregate.child()) + ") " + alias()
        + (groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", groups));
  }

  private String join(Join join) throws Unsupported {
    String joinType = joinType(join);
    if (joinType.equals("LEFT ANTI") && join.condition().isDefined()
        && join.condition().get() instanceof Or or && or.left() instanceof EqualTo equal
        && or.right() instanceof IsNull isNull && isNull.child().semanticEquals(equal)
        && equal.left() instanceof Attribute && equal.right() instanceof Attribute
        && join.left().outputSet().contains((Attribute) equal.left())
        && join.right().outputSet().contains((Attribute) equal.right())) {
      // Spark's null-aware anti join, its plan for NOT IN (subquery): DuckDB's NOT IN has the same
      // semantics and a hash join, where the condition as written would make a nested loop.
      return "SELECT * FROM (" + node(join.left()) + ") " + alias() + " WHERE " + expr(equal.left()) + " NOT IN (SELECT "
          + expr(equal.right()) + " FROM (" + node(join.right()) + ") " + alias() + ")";
    }
    String type = switch (joinType) {
      case "INNER" -> join.condition().isEmpty() ? "CROSS JOIN" : "JOIN";
      case "CROSS" -> join.condition().isEmpty() ? "CROSS JOIN" : "JOIN";
      case "LEFT OUTER" -> "LEFT JOIN";
      case "RIGHT OUTER" -> "RIGHT JOIN";
      case "FULL OUTER" -> "FULL JOIN";
      case "LEFT SEMI" -> "SEMI JOIN";
      case "LEFT ANTI" -> "ANTI JOIN";
      default -> throw new Unsupported("a " + joinType + " join");
    };
    String on = type.equals("CROSS JOIN") ? ""
        : " ON " + (join.condition().isEmpty() ? "true" : expr(join.condition().get()));
    return "SELECT * FROM (" + node(join.left()) + ") " + alias() + " " + type + " (" + node(join.right()) + ") "
        + alias() + on;
  }

  // ExistenceJoin (Spark's plan for an IN or EXISTS subquery it cannot make a semi join, such as one under
  // an OR) has no SQL name: its sql() throws. DuckDB is not given such a plan; Spark runs it.
  private static String joinType(Join join) throws Unsupported {
    if (join.joinType() instanceof ExistenceJoin) {
      throw new Unsupported("an existence join (an IN or EXISTS subquery Spark could not turn into a semi join)");
    }
    return join.joinType().sql();
  }

  private String window(Window window) throws Unsupported {
    List<String> columns = new ArrayList<>();
    for (NamedExpression expression : list(window.windowExpressions())) {
      if (!(expression instanceof Alias alias) || !(alias.child() instanceof WindowExpression function)) {
        throw new Unsupported("the window expression " + ((Expression) expression).sql());
      }
      String call;
      boolean framed;
      if (function.windowFunction() instanceof AggregateExpression aggregate) {
        call = aggregateCall(aggregate, " " + over(function.windowSpec(), true));
        framed = true;
      } else if (function.windowFunction() instanceof FrameLessOffsetWindowFunction offset) {
        call = offset(offset);
        framed = false;
      } else {
        String name = function.windowFunction().prettyName();
        if (!List.of("row_number", "rank", "dense_rank").contains(name)) {
          throw new Unsupported("the window function " + name);
        }
        call = name + "()";
        framed = false;
      }
      columns.add("CAST(" + call + (framed ? "" : " " + over(function.windowSpec(), false)) + " AS "
          + valueType(alias.dataType())
          + ") AS " + column(alias.exprId().id()));
    }
    return "SELECT *, " + String.join(", ", columns) + " FROM (" + node(window.child()) + ") " + alias();
  }

  // lead and lag: the row a fixed number of rows after (before) this one in the window's order, its
  // default past the partition's end. Both engines ignore the frame Spark's plan gives them.
  private String offset(FrameLessOffsetWindowFunction function) throws Unsupported {
    Expression offset = function instanceof Lag lag ? lag.inputOffset() : function.offset();
    if (function.ignoreNulls() || !(offset instanceof Literal literal) || !(literal.value() instanceof Integer rows)
        || !(function instanceof Lead || function instanceof Lag)) {
      throw new Unsupported("the window function " + function.sql());
    }
    // Lead(input, offset, default, ...) and Lag(input, inputOffset, default, ...): default is a Java keyword.
    Expression fallback = (Expression) function.productElement(2);
    boolean none = fallback instanceof Literal literalDefault && literalDefault.value() == null;
    return (function instanceof Lead ? "lead(" : "lag(") + expr(function.input()) + ", " + rows
        + (none ? "" : ", " + expr(fallback)) + ")";
  }

  private String over(WindowSpecDefinition spec, boolean framed) throws Unsupported {
    StringBuilder over = new StringBuilder("OVER (");
    if (!spec.partitionSpec().isEmpty()) {
      over.append("PARTITION BY ").append(exprs(spec.partitionSpec()));
    }
    String order = orders(spec.orderSpec());
    if (!order.isEmpty()) {
      over.append(" ORDER BY ").append(order);
    } else if (framed && !spec.orderSpec().isEmpty()) {
      throw new Unsupported("a framed window ordered by a constant");
    }
    if (framed) {
      if (!(spec.frameSpecification() instanceof SpecifiedWindowFrame frame)) {
        throw new Unsupported("a window without a frame");
      }
      over.append(" ").append(frame.frameType().sql()).append(" BETWEEN ").append(boundary(frame.lower()))
          .append(" AND ").append(boundary(frame.upper()));
    }
    return over.append(")").toString();
  }

  private static String boundary(Expression boundary) throws Unsupported {
    if (boundary instanceof Literal literal && literal.value() instanceof Number number
        && (literal.dataType() instanceof IntegerType || literal.dataType() instanceof LongType)) {
      long offset = number.longValue();
      return offset == 0 ? "CURRENT ROW" : offset < 0 ? -offset + " PRECEDING" : offset + " FOLLOWING";
    }
    String name = boundary.getClass().getSimpleName();
    return switch (name) {
      case "UnboundedPreceding$" -> "UNBOUNDED PRECEDING";
      case "UnboundedFollowing$" -> "UNBOUNDED FOLLOWING";
      case "CurrentRow$" -> "CURRENT ROW";
      default -> throw new Unsupported("the window frame boundary " + boundary.sql());
    };
  }

  private String union(Union union) throws Unsupported {
    if (union.byName() || union.allowMissingCol()) {
      throw new Unsupported("a union by name");
    }
    List<Attribute> output = list(union.output());
    List<String> parts = new ArrayList<>();
    for (LogicalPlan child : list(union.children())) {
      List<Attribute> columns = list(child.output());
      List<String> renamed = new ArrayList<>();
      for (int i = 0; i < output.size(); i++) {
        renamed.add(column(columns.get(i)) + " AS " + column(output.get(i)));
      }
      parts.add("SELECT " + String.join(", ", renamed) + " FROM (" + node(child) + ") " + alias());
    }
    return String.join(" UNION ALL ", parts);
  }

  private String scan(DataSourceV2ScanRelation relation) throws Unsupported {
    DataSourceV2Relation source = relation.relation();
    if (!(source.table() instanceof SparkTable sparkTable)) {
      throw new Unsupported("a scan of " + source.table().name() + ", not an Iceberg table");
    }
    if (relation.scan() instanceof LocalScan local) {
      // Spark answered part of the query from table metadata (an aggregate pushed into the scan).
      notReusable = "values read from the metadata of " + sparkTable.name();
      metadataValues = true;
      return localRows(local.rows(), list(relation.output()));
    }
    String scanClass = relation.scan().getClass().getSimpleName();
    if (!scanClass.equals("SparkBatchQueryScan") && !scanClass.equals("SparkIncrementalAppendScan")) {
      throw new Unsupported("the scan " + relation.scan().description());
    }
    Table table = sparkTable.table();
    // The files Spark's scan itself reads: its pushed filters have pruned them by partition and by
    // column bounds (and runtime filters, if any, further). A filter Spark dropped from the plan
    // because partition pruning answers it in full holds for every row of these files.
    List<FileScanTask> tasks = scanTasks(relation.scan());
    List<ScanColumn> columns = new ArrayList<>();
    List<String> select = new ArrayList<>();
    for (AttributeReference attribute : list(relation.output())) {
      Types.NestedField field = table.schema().caseInsensitiveFindField(attribute.name());
      if (field == null || !field.type().isPrimitiveType()) {
        throw new Unsupported("the column " + attribute.name() + " of " + sparkTable.name());
      }
      type(attribute.dataType());
      if (identityPartitioned(table, field)) {
        // Spark reads such a column from the partition's value in the metadata, DuckDB from the file.
        throw new Unsupported("the identity partition column " + field.name() + " of " + sparkTable.name());
      }
      columns.add(new ScanColumn(attribute.exprId().id(), field, attribute.dataType()));
      select.add(identifier(field.name()) + " AS " + column(attribute));
    }
    String view = "floe_scan_" + scans.size();
    Reading reading = null;
    if (!scanClass.equals("SparkBatchQueryScan") || timeTravel(sparkTable)) {
      notReusable = "a read of " + sparkTable.name() + " at a given snapshot";
    } else {
      reading = new Reading(sparkTable.branch(), invoke(relation.scan(), "filter",
          org.apache.iceberg.expressions.Expression.class), invoke(relation.scan(), "caseSensitive", Boolean.class));
    }
    scans.add(new Scan(view, table, tasks, columns, reading));
    return "SELECT " + (select.isEmpty() ? "1 AS c_none" : String.join(", ", select)) + " FROM " + view;
  }

  private static boolean identityPartitioned(Table table, Types.NestedField field) {
    return table.specs().values().stream().flatMap(spec -> spec.fields().stream())
        .anyMatch(partition -> partition.sourceId() == field.fieldId() && partition.transform().isIdentity());
  }

  // SparkPartitioningAwareScan.tasks(), which Iceberg's class does not expose: planned once and kept,
  // so Spark's own statistics and reading use the same list.
  private static List<FileScanTask> scanTasks(Object scan) throws Unsupported {
    java.lang.reflect.Method method = null;
    for (Class<?> type = scan.getClass(); type != null && method == null; type = type.getSuperclass()) {
      try {
        method = type.getDeclaredMethod("tasks");
      } catch (NoSuchMethodException e) {
        // declared by a superclass
      }
    }
    if (method == null) {
      throw new Unsupported("the scan " + scan.getClass().getSimpleName() + " (no method tasks)");
    }
    Object tasks;
    try {
      method.setAccessible(true);
      tasks = method.invoke(scan);
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException("Cannot plan the files of " + scan, e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new Unsupported("the scan " + scan.getClass().getSimpleName() + " (" + e + ")");
    }
    List<FileScanTask> files = new ArrayList<>();
    for (Object task : (List<?>) tasks) {
      if (!(task instanceof FileScanTask file)) {
        throw new Unsupported("the scan task " + task.getClass().getSimpleName());
      }
      files.add(file);
    }
    return files;
  }

  // Whether the table is read as of a version or time (VERSION AS OF ...), not at its branch's newest snapshot.
  private static boolean timeTravel(SparkTable table) throws Unsupported {
    try {
      java.lang.reflect.Field field = SparkTable.class.getDeclaredField("timeTravel");
      field.setAccessible(true);
      return field.get(table) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new Unsupported("the table " + table.name() + " (" + e + ")");
    }
  }

  // A protected method of Iceberg's Spark scan, read as scanTasks reads its tasks.
  private static <T> T invoke(Object scan, String name, Class<T> type) throws Unsupported {
    for (Class<?> declaring = scan.getClass(); declaring != null; declaring = declaring.getSuperclass()) {
      try {
        java.lang.reflect.Method method = declaring.getDeclaredMethod(name);
        method.setAccessible(true);
        return type.cast(method.invoke(scan));
      } catch (NoSuchMethodException e) {
        // declared by a superclass
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new Unsupported("the scan " + scan.getClass().getSimpleName() + " (" + e + ")");
      }
    }
    throw new Unsupported("the scan " + scan.getClass().getSimpleName() + " (no method " + name + ")");
  }

  // Parquet files a merge wrote (read with LocalExecutor.WRITTEN_FILES_OPTION): their columns are the
  // table's, by name and type, so DuckDB reads them by name as Spark does. Other Parquet reads are Spark's.
  private String writtenFiles(LogicalRelation relation) throws Unsupported {
    notReusable = "files read by name";
    if (!(relation.relation() instanceof HadoopFsRelation files) || !(files.fileFormat() instanceof ParquetFileFormat)
        || !"true".equals(files.options().getOrElse(io.floe.spark.local.LocalExecutor.WRITTEN_FILES_OPTION, () -> "false"))
        || files.partitionSchema().nonEmpty()) {
      throw new Unsupported("the relation " + relation.simpleString(100));
    }
    List<String> paths = new ArrayList<>();
    for (String file : files.location().inputFiles()) {
      paths.add(literalText(java.net.URI.create(file).getPath()));
    }
    List<String> select = new ArrayList<>();
    for (AttributeReference attribute : list(relation.output())) {
      select.add("CAST(" + identifier(attribute.name()) + " AS " + type(attribute.dataType()) + ") AS "
          + column(attribute));
    }
    if (paths.isEmpty()) {
      throw new Unsupported("a read of no files");
    }
    return "SELECT " + (select.isEmpty() ? "1 AS c_none" : String.join(", ", select)) + " FROM read_parquet(["
        + String.join(", ", paths) + "])";
  }

  private static String literalText(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private String localRows(InternalRow[] rows, List<? extends Attribute> output) throws Unsupported {
    List<String> names = new ArrayList<>();
    List<String> casts = new ArrayList<>();
    for (Attribute attribute : output) {
      names.add(column(attribute));
      casts.add("CAST(" + column(attribute) + " AS " + type(attribute.dataType()) + ") AS " + column(attribute));
    }
    if (rows.length == 0 || output.isEmpty()) {
      List<String> columns = new ArrayList<>();
      for (Attribute attribute : output) {
        columns.add(literal(null, attribute.dataType()) + " AS " + column(attribute));
      }
      return "SELECT " + (columns.isEmpty() ? "1 AS c_none" : String.join(", ", columns))
          + (rows.length == 0 ? " WHERE false" : " FROM range(" + rows.length + ")");
    }
    // One VALUES list, not a UNION of one-row SELECTs: DuckDB would run each as a pipeline of its
    // own and write a file for each.
    List<String> tuples = new ArrayList<>();
    for (InternalRow row : rows) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < output.size(); i++) {
        Attribute attribute = output.get(i);
        values.add(literal(row.isNullAt(i) ? null : row.get(i, attribute.dataType()), attribute.dataType()));
      }
      tuples.add("(" + String.join(", ", values) + ")");
    }
    return "SELECT " + String.join(", ", casts) + " FROM (VALUES " + String.join(", ", tuples) + ") " + alias()
        + "(" + String.join(", ", names) + ")";
  }

  // ---- expressions ----

  private String named(NamedExpression expression) throws Unsupported {
    if (expression instanceof Alias alias) {
      return expr(alias.child()) + " AS " + column(alias.exprId().id());
    }
    if (expression instanceof AttributeReference attribute) {
      return column(attribute);
    }
    throw new Unsupported("the expression " + ((Expression) expression).sql());
  }

  private String exprs(scala.collection.Seq<Expression> expressions) throws Unsupported {
    List<String> rendered = new ArrayList<>();
    for (Expression expression : list(expressions)) {
      rendered.add(expr(expression));
    }
    return String.join(", ", rendered);
  }

  // An order by a constant orders nothing (DuckDB refuses one): left out, and an empty string when all are.
  private String orders(scala.collection.Seq<SortOrder> orders) throws Unsupported {
    List<String> rendered = new ArrayList<>();
    for (SortOrder order : list(orders)) {
      if (order.child().foldable()) {
        continue;
      }
      rendered.add(expr(order.child()) + (order.isAscending() ? " ASC" : " DESC")
          + (order.nullOrdering().sql().contains("FIRST") ? " NULLS FIRST" : " NULLS LAST"));
    }
    return String.join(", ", rendered);
  }

  private String expr(Expression e) throws Unsupported {
    if (e instanceof AttributeReference attribute) {
      return column(attribute);
    }
    if (e instanceof Literal literal) {
      return literal(literal.value(), literal.dataType());
    }
    if (e instanceof Alias alias) {
      return expr(alias.child());
    }
    if (e instanceof ScalarSubquery subquery) {
      // An uncorrelated subquery of one column. More than one row is an error in both engines.
      if (!subquery.outerAttrs().isEmpty() || subquery.plan().output().size() != 1) {
        throw new Unsupported("the subquery " + subquery.sql());
      }
      return "(SELECT " + column(subquery.plan().output().head()) + " FROM (" + node(subquery.plan()) + ") "
          + alias() + ")";
    }
    if (e instanceof Cast cast) {
      return cast(cast);
    }
    if (e instanceof EqualTo op) {
      return binary(op.left(), "=", op.right());
    }
    if (e instanceof EqualNullSafe op) {
      return binary(op.left(), "IS NOT DISTINCT FROM", op.right());
    }
    if (e instanceof LessThan op) {
      return binary(op.left(), "<", op.right());
    }
    if (e instanceof LessThanOrEqual op) {
      return binary(op.left(), "<=", op.right());
    }
    if (e instanceof GreaterThan op) {
      return binary(op.left(), ">", op.right());
    }
    if (e instanceof GreaterThanOrEqual op) {
      return binary(op.left(), ">=", op.right());
    }
    if (e instanceof And op) {
      // Spark skips the right side where the left is false; DuckDB evaluates both, so a right side
      // that can raise an error is evaluated only where Spark would.
      return mayFail(op.right()) ? "(CASE WHEN " + expr(op.left()) + " IS NOT DISTINCT FROM false THEN false ELSE "
          + binary(op.left(), "AND", op.right()) + " END)" : binary(op.left(), "AND", op.right());
    }
    if (e instanceof Or op) {
      return mayFail(op.right()) ? "(CASE WHEN " + expr(op.left()) + " THEN true ELSE "
          + binary(op.left(), "OR", op.right()) + " END)" : binary(op.left(), "OR", op.right());
    }
    if (e instanceof Not not) {
      return "(NOT " + expr(not.child()) + ")";
    }
    if (e instanceof org.apache.spark.sql.catalyst.expressions.DynamicPruningSubquery) {
      // Spark's dynamic partition pruning: a filter the join it comes from already implies, there only
      // to skip partitions; the rows are the same without it.
      return "true";
    }
    if (e instanceof IsNull test) {
      return "(" + expr(nullAlike(test.child())) + " IS NULL)";
    }
    if (e instanceof IsNotNull test) {
      // Spark infers such tests from joins and filters over hash keys: upper(md5(...)) IS NOT NULL.
      return "(" + expr(nullAlike(test.child())) + " IS NOT NULL)";
    }
    if (e instanceof In in) {
      return "(" + expr(in.value()) + " IN (" + exprs(in.list()) + "))";
    }
    if (e instanceof InSet in) {
      List<String> values = new ArrayList<>();
      for (Object value : CollectionConverters.asJava(in.hset())) {
        values.add(literal(value, in.child().dataType()));
      }
      return "(" + expr(in.child()) + " IN (" + String.join(", ", values) + "))";
    }
    if (e instanceof If condition) {
      return "(CASE WHEN " + expr(condition.predicate()) + " THEN " + expr(condition.trueValue()) + " ELSE "
          + expr(condition.falseValue()) + " END)";
    }
    if (e instanceof CaseWhen caseWhen) {
      StringBuilder sql = new StringBuilder("(CASE");
      for (scala.Tuple2<Expression, Expression> branch : list(caseWhen.branches())) {
        sql.append(" WHEN ").append(expr(branch._1())).append(" THEN ").append(expr(branch._2()));
      }
      if (caseWhen.elseValue().isDefined()) {
        sql.append(" ELSE ").append(expr(caseWhen.elseValue().get()));
      }
      return sql.append(" END)").toString();
    }
    if (e instanceof Greatest greatest) {
      // Both skip NULLs: NULL only when every argument is.
      return "greatest(" + exprs(greatest.children()) + ")";
    }
    if (e instanceof Least least) {
      return "least(" + exprs(least.children()) + ")";
    }
    if (e instanceof UnscaledValue unscaled) {
      DecimalType decimal = (DecimalType) unscaled.child().dataType();
      return "CAST(" + unscaled(expr(unscaled.child()), decimal.scale()) + " AS BIGINT)";
    }
    if (e instanceof MakeDecimal make) {
      if (make.nullOnOverflow()) {
        throw new Unsupported("a decimal that is NULL on overflow (spark.sql.ansi.enabled is false)");
      }
      return "CAST(CAST(" + expr(make.child()) + " AS DECIMAL(38, 0)) * CAST('"
          + BigDecimal.ONE.movePointLeft(make.scale()).toPlainString() + "' AS DECIMAL(" + (make.scale() + 1) + ", "
          + make.scale() + ")) AS " + type(make.dataType()) + ")";
    }
    if (e instanceof Coalesce coalesce) {
      return "coalesce(" + exprs(coalesce.children()) + ")";
    }
    if (e instanceof Add op) {
      return arithmetic(op, op.left(), "+", op.right(), ansi(op.evalContext()));
    }
    if (e instanceof Subtract op) {
      return arithmetic(op, op.left(), "-", op.right(), ansi(op.evalContext()));
    }
    if (e instanceof Multiply op) {
      return arithmetic(op, op.left(), "*", op.right(), ansi(op.evalContext()));
    }
    if (e instanceof Divide op) {
      String divisor = expr(op.right());
      String byZero = op.failOnError() ? "error('floe: division by zero')" : "NULL";
      String quotient = op.dataType() instanceof DecimalType ? decimalQuotient(op) : expr(op.left()) + " / " + divisor;
      // Spark divides only when both sides are not NULL: NULL / 0 is NULL, not an error.
      return "(CASE WHEN " + divisor + " = 0 AND " + expr(op.left()) + " IS NOT NULL THEN " + byZero + " ELSE "
          + quotient + " END)";
    }
    if (e instanceof UnaryMinus minus) {
      exactArithmetic(minus, minus.failOnError());
      return "CAST(-(" + expr(minus.child()) + ") AS " + type(minus.dataType()) + ")";
    }
    if (e instanceof Abs abs) {
      exactArithmetic(abs, abs.failOnError());
      return "CAST(abs(" + expr(abs.child()) + ") AS " + type(abs.dataType()) + ")";
    }
    if (e instanceof Lower lower) {
      return caseMapped(lower.child(), "lower");
    }
    if (e instanceof Upper upper) {
      return caseMapped(upper.child(), "upper");
    }
    if (e instanceof Concat concat) {
      if (!(concat.dataType() instanceof StringType)) {
        throw new Unsupported("a concat of " + concat.dataType().simpleString());
      }
      // || is NULL when any part is, as Spark's concat; DuckDB's concat() skips NULLs.
      return "(" + exprs(concat.children()).replace(", ", " || ") + ")";
    }
    if (e instanceof UnixTimestamp unix && isTimestamp(unix.left().dataType())) {
      // Spark divides the microseconds as Java does, toward zero; so does DuckDB's // on integers.
      return "(epoch_us(" + expr(unix.left()) + ") // 1000000)";
    }
    if (e instanceof UnixDate unixDate) {
      return "CAST(" + expr(unixDate.child()) + " - DATE '1970-01-01' AS INTEGER)";
    }
    if (e instanceof Hour hour) {
      return datePart("hour", hour.child());
    }
    if (e instanceof Minute minute) {
      return datePart("minute", minute.child());
    }
    if (e instanceof Second second) {
      return datePart("second", second.child());
    }
    if (e instanceof Year year) {
      return datePart("year", year.child());
    }
    if (e instanceof Month month) {
      return datePart("month", month.child());
    }
    if (e instanceof DayOfMonth day) {
      return datePart("day", day.child());
    }
    if (e instanceof DayOfWeek day) {
      // Spark counts 1 (Sunday) to 7, DuckDB 0 to 6.
      return "CAST(dayofweek(" + expr(day.child()) + ") + 1 AS INTEGER)";
    }
    if (e instanceof DateFormatClass format && format.right() instanceof Literal pattern
        && "EEEE".equals(String.valueOf(pattern.value())) && isTimestamp(format.left().dataType())) {
      return "dayname(" + expr(format.left()) + ")";
    }
    if (e instanceof DateAdd add) {
      return "(" + expr(add.startDate()) + " + " + expr(add.days()) + ")";
    }
    if (e instanceof DateSub sub) {
      return "(" + expr(sub.startDate()) + " - " + expr(sub.days()) + ")";
    }
    if (e instanceof DateDiff diff) {
      return "CAST(" + expr(diff.endDate()) + " - " + expr(diff.startDate()) + " AS INTEGER)";
    }
    if (e instanceof TimestampAddInterval add && add.interval().dataType() instanceof DayTimeIntervalType
        && isTimestamp(add.start().dataType())) {
      return "(" + expr(add.start()) + " + " + expr(add.interval()) + ")";
    }
    if (e instanceof AggregateExpression aggregate) {
      return aggregate(aggregate);
    }
    if (e instanceof Md5 md5) {
      return "md5(" + utf8Text(md5.child()) + ")";
    }
    if (e instanceof Sha1 sha1) {
      return "sha1(" + utf8Text(sha1.child()) + ")";
    }
    if (e instanceof Sha2 sha2 && sha2.right() instanceof Literal bits && Integer.valueOf(256).equals(bits.value())) {
      return "sha256(" + utf8Text(sha2.left()) + ")";
    }
    if (e instanceof StringTrim trim && trim.trimStr().isEmpty() && isText(trim.srcStr().dataType())) {
      // Spark's trim() removes spaces only, not other white space.
      return "trim(" + expr(trim.srcStr()) + ", ' ')";
    }
    if (e instanceof ConcatWs concat && concat.dataType() instanceof StringType) {
      List<Expression> parts = list(concat.children());
      for (Expression part : parts) {
        if (!isText(part.dataType())) {
          throw new Unsupported("concat_ws of " + part.dataType().simpleString());
        }
      }
      // Both skip NULL values, and give NULL for a NULL separator.
      return "concat_ws(" + exprs(concat.children()) + ")";
    }
    if (e instanceof CreateNamedStruct struct) {
      List<String> fields = new ArrayList<>();
      List<Expression> names = list(struct.nameExprs());
      List<Expression> values = list(struct.valExprs());
      for (int i = 0; i < names.size(); i++) {
        if (!(names.get(i) instanceof Literal name) || name.value() == null) {
          throw new Unsupported("a struct with a computed field name");
        }
        fields.add(literalText(name.value().toString()) + ": " + expr(values.get(i)));
      }
      if (fields.isEmpty()) {
        throw new Unsupported("an empty struct");
      }
      return "{" + String.join(", ", fields) + "}";
    }
    if (e instanceof GetStructField field) {
      StructField read = ((StructType) field.child().dataType()).fields()[field.ordinal()];
      return "struct_extract(" + expr(field.child()) + ", " + literalText(read.name()) + ")";
    }
    throw new Unsupported("the expression " + e.prettyName() + " (" + e.sql() + ")");
  }

  private String aggregate(AggregateExpression aggregate) throws Unsupported {
    return "CAST(" + aggregateCall(aggregate, "") + " AS " + valueType(aggregate.dataType()) + ")";
  }

  /** The aggregate's call, with {@code over} (a window, or nothing) after each function it calls. */
  private String aggregateCall(AggregateExpression aggregate, String over) throws Unsupported {
    if (aggregate.mode() != Complete$.MODULE$) {
      throw new Unsupported("a partial aggregate");
    }
    AggregateFunction function = aggregate.aggregateFunction();
    String distinct = aggregate.isDistinct() ? "DISTINCT " : "";
    String call;
    if (function instanceof Count count) {
      List<Expression> children = list(count.children());
      if (children.size() != 1) {
        throw new Unsupported("a count of several columns");
      }
      Expression child = children.get(0);
      call = child instanceof Literal literal && literal.value() != null && !aggregate.isDistinct() ? "count(*)"
          : "count(" + distinct + expr(child) + ")";
    } else if (function instanceof Sum sum) {
      DataType input = sum.child().dataType();
      if (isIntegral(input) && !ansi(sum.evalContext())) {
        throw new Unsupported("a sum of integers that wraps on overflow (spark.sql.ansi.enabled is false)");
      }
      if (!isIntegral(input) && !(input instanceof DecimalType) && !(input instanceof DoubleType)) {
        throw new Unsupported("a sum of " + input.simpleString());
      }
      call = "sum(" + distinct + expr(sum.child()) + ")";
    } else if (function instanceof First first && first.ignoreNulls() && !aggregate.isDistinct()) {
      // With NULLs ignored, as Spark's plan for DISTINCT aggregates uses it: each group holds one value.
      call = "any_value(" + expr(first.child()) + ")";
    } else if (function instanceof Min min) {
      call = "min(" + distinct + expr(min.child()) + ")";
    } else if (function instanceof Max max) {
      call = "max(" + distinct + expr(max.child()) + ")";
    } else if ((function instanceof MaxBy || function instanceof MinBy) && over.isEmpty() && !aggregate.isDistinct()) {
      return byOrdering(aggregate, function instanceof MaxBy);
    } else if (function instanceof Average average) {
      DataType input = average.child().dataType();
      if (!isIntegral(input) && !(input instanceof DoubleType)) {
        // Spark averages decimals as decimals; DuckDB as doubles.
        throw new Unsupported("an average of " + input.simpleString());
      }
      String filter = filter(aggregate);
      if (isIntegral(input)) {
        // Spark sums the values as doubles (exact below 2^53) and divides once; DuckDB's avg of a
        // BIGINT divides in extended precision, which can round the last bit otherwise.
        String argument = "(" + distinct + expr(average.child()) + ")";
        return "(CAST(sum" + argument + filter + over + " AS DOUBLE) / CAST(count" + argument + filter + over
            + " AS DOUBLE))";
      }
      call = "avg(" + distinct + expr(average.child()) + ")";
    } else {
      throw new Unsupported("the aggregate " + function.prettyName());
    }
    return call + filter(aggregate) + over;
  }

  /**
   * A binary value that is a string's UTF-8 bytes (Spark's implicit cast before md5 and sha), as
   * that string: DuckDB's hash functions hash a VARCHAR's UTF-8 bytes. A VARCHAR cast to a BLOB in
   * DuckDB would read backslash escapes instead.
   */
  private String utf8Text(Expression binary) throws Unsupported {
    if (binary instanceof Cast cast && cast.dataType() instanceof BinaryType && isText(cast.child().dataType())) {
      return expr(cast.child());
    }
    if (binary instanceof If condition) {
      return "CASE WHEN " + expr(condition.predicate()) + " THEN " + utf8Text(condition.trueValue()) + " ELSE "
          + utf8Text(condition.falseValue()) + " END";
    }
    if (binary instanceof Literal literal && literal.value() == null) {
      return "CAST(NULL AS VARCHAR)";
    }
    throw new Unsupported("the binary value " + binary.sql());
  }

  private static boolean isText(DataType type) {
    return type instanceof StringType string && string.isUTF8BinaryCollation();
  }

  /**
   * max_by(value, ordering) (min_by): the value of the row with the largest (smallest) ordering,
   * rows with a NULL ordering left out. An ordering that is a struct, as latest_changes() orders by
   * struct(_source_ts, _source_position), compares field by field with NULL the smallest, as Spark
   * orders structs; DuckDB's own struct order puts NULL last, so each field is an ORDER BY key of its
   * own. Among rows of equal ordering either engine returns any of them.
   */
  private String byOrdering(AggregateExpression aggregate, boolean largest) throws Unsupported {
    AggregateFunction function = aggregate.aggregateFunction();
    Expression value = function instanceof MaxBy max ? max.valueExpr() : ((MinBy) function).valueExpr();
    Expression ordering = function instanceof MaxBy max ? max.orderingExpr() : ((MinBy) function).orderingExpr();
    List<Expression> keys = ordering instanceof CreateNamedStruct struct ? list(struct.valExprs()) : List.of(ordering);
    List<String> orderBy = new ArrayList<>();
    for (Expression key : keys) {
      if (key.foldable()) {
        continue; // a constant orders nothing (DuckDB refuses one)
      }
      DataType keyType = key.dataType();
      if (!(isIntegral(keyType) || keyType instanceof DecimalType || keyType instanceof DateType || isTimestamp(keyType)
          || keyType instanceof BooleanType || isText(keyType))) {
        throw new Unsupported("an ordering by " + keyType.simpleString() + " in " + function.prettyName());
      }
      orderBy.add(expr(key) + (largest ? " DESC NULLS LAST" : " ASC NULLS FIRST"));
    }
    String nonNull = ordering instanceof CreateNamedStruct ? "" : expr(ordering) + " IS NOT NULL";
    String condition = aggregate.filter().isDefined()
        ? (nonNull.isEmpty() ? "" : nonNull + " AND ") + "(" + expr(aggregate.filter().get()) + ")" : nonNull;
    return "first(" + expr(value) + (orderBy.isEmpty() ? "" : " ORDER BY " + String.join(", ", orderBy)) + ")"
        + (condition.isEmpty() ? "" : " FILTER (WHERE " + condition + ")");
  }

  private String filter(AggregateExpression aggregate) throws Unsupported {
    return aggregate.filter().isDefined() ? " FILTER (WHERE " + expr(aggregate.filter().get()) + ")" : "";
  }

  /**
   * A division of decimals as Spark computes it: the quotient rounded half up to the result's scale.
   * DuckDB would divide them as doubles, so the unscaled values are divided as 128-bit integers
   * (DuckDB fails on overflow). Spark rounds the quotient to 38 digits first, then to the result's
   * scale; the two roundings give the one rounding's result whenever the divisor's unscaled value
   * times 10^(scale + the dividend's scale) is below 10^38, which the SQL checks, else it fails.
   */
  private String decimalQuotient(Divide op) throws Unsupported {
    DecimalType left = (DecimalType) op.left().dataType();
    DecimalType right = (DecimalType) op.right().dataType();
    int scale = ((DecimalType) op.dataType()).scale();
    int headroom = 38 - scale - left.scale();
    if (headroom <= 0) {
      throw new Unsupported("a division of decimals to " + scale + " places");
    }
    String a = unscaled(expr(op.left()), left.scale());
    String b = unscaled(expr(op.right()), right.scale());
    // a/b = A 10^s2 / (B 10^s1); the unscaled result is that times 10^scale.
    int shift = right.scale() + scale - left.scale();
    String numerator = shift >= 0 ? a + " * " + power(shift) : a;
    String denominator = shift >= 0 ? b : b + " * " + power(-shift);
    String check = right.precision() <= headroom ? ""
        : "CASE WHEN abs(" + b + ") >= " + power(headroom) + " THEN error('floe: decimal division beyond 38 digits') END, ";
    String rounded = "sign(" + numerator + ") * sign(" + denominator + ") * ((2 * abs(" + numerator + ") + abs("
        + denominator + ")) // (2 * abs(" + denominator + ")))";
    return "CAST(CAST(" + (check.isEmpty() ? rounded : "coalesce(" + check + rounded + ")")
        + " AS DECIMAL(38, 0)) * CAST('" + BigDecimal.ONE.movePointLeft(scale).toPlainString() + "' AS DECIMAL("
        + (scale + 1) + ", " + scale + ")) AS " + type(op.dataType()) + ")";
  }

  /**
   * A division of decimals cast to a smaller scale, as one rounding to that scale in 64-bit integers,
   * where Spark rounds the quotient to its own scale first and then to the cast's (DuckDB's cast of a
   * 38-digit decimal divides 128-bit integers one bit at a time: a fifth of the e-commerce customer
   * summary's CPU). The two agree wherever the divisor, as an integer D of the scaled quotient N/D, is
   * below 10^(quotient scale - cast scale): a quotient off a half-way point of the cast's scale is then
   * at least 10^-scale/(2D) from it, more than the first rounding moves it. Gives the condition for
   * that path (not true where that or 64 bits do not hold, or an operand is zero or NULL: the caller
   * then casts Spark's quotient as before) and the quotient at the cast's scale; empty when no value
   * could take this path.
   */
  private Optional<String[]> quotientAtScale(Divide op, int scale) throws Unsupported {
    DecimalType left = (DecimalType) op.left().dataType();
    DecimalType right = (DecimalType) op.right().dataType();
    int quotientScale = ((DecimalType) op.dataType()).scale();
    // a/b at the cast's scale: A 10^-sa / (B 10^-sb) 10^scale = A 10^shift / B.
    int shift = right.scale() - left.scale() + scale;
    // Each operand is written several times: one that is not deterministic would differ between them.
    if (Math.abs(shift) > 17 || scale > 20 || !op.deterministic()) {
      return Optional.empty();
    }
    String leftUnscaled = unscaled(expr(op.left()), left.scale());
    String rightUnscaled = unscaled(expr(op.right()), right.scale());
    String a = "CAST(" + leftUnscaled + " AS BIGINT)";
    String b = "CAST(" + rightUnscaled + " AS BIGINT)";
    // |N| below 9 10^17 (its rounded quotient fits DECIMAL(18, 0)), |D| below the bound that keeps one
    // rounding right and 2^62 (2 (N % D) fits), and Spark's first rounding to 38 digits exact (see
    // decimalQuotient); the operands' unscaled values are tested as 128-bit integers before they are cast.
    long numeratorLimit = 900_000_000_000_000_000L / pow10(Math.max(shift, 0));
    int denominatorDigits = Math.min(quotientScale - scale, 18);
    int headroom = 38 - quotientScale - left.scale();
    BigInteger denominatorLimit = BigInteger.TEN.pow(Math.min(denominatorDigits, headroom))
        .divide(BigInteger.TEN.pow(Math.max(-shift, 0)));
    if (denominatorLimit.signum() == 0) {
      return Optional.empty();
    }
    String guard = "abs(" + leftUnscaled + ") < CAST('" + numeratorLimit + "' AS HUGEINT) AND abs(" + rightUnscaled
        + ") < CAST('" + denominatorLimit + "' AS HUGEINT) AND " + rightUnscaled + " <> 0";
    String n = shift > 0 ? "(" + a + " * " + pow10(shift) + ")" : a;
    String d = shift < 0 ? "(" + b + " * " + pow10(-shift) + ")" : b;
    String magnitude = "(abs(" + n + ") // abs(" + d + ") + CASE WHEN 2 * (abs(" + n + ") % abs(" + d + ")) >= abs("
        + d + ") THEN 1 ELSE 0 END)";
    String unscaledQuotient = "CAST(sign(" + n + ") * sign(" + d + ") * " + magnitude + " AS DECIMAL(18, 0))";
    String value = scale == 0 ? unscaledQuotient : unscaledQuotient + " * CAST('"
        + BigDecimal.ONE.movePointLeft(scale).toPlainString() + "' AS DECIMAL(" + scale + ", " + scale + "))";
    return Optional.of(new String[] {guard, value});
  }

  private static long pow10(int exponent) {
    return BigInteger.TEN.pow(exponent).longValueExact();
  }

  private static String unscaled(String decimal, int scale) {
    return scale == 0 ? "CAST(" + decimal + " AS HUGEINT)" : "CAST(" + decimal + " * " + power(scale) + " AS HUGEINT)";
  }

  private static String power(int exponent) {
    return "CAST('1" + "0".repeat(exponent) + "' AS HUGEINT)";
  }

  // Whether evaluating `e` can raise an error where Spark's would not be evaluated at all.
  private static boolean mayFail(Expression e) {
    if (e instanceof AttributeReference || e instanceof Literal) {
      return false;
    }
    if (e instanceof EqualTo || e instanceof EqualNullSafe || e instanceof LessThan || e instanceof LessThanOrEqual
        || e instanceof GreaterThan || e instanceof GreaterThanOrEqual || e instanceof And || e instanceof Or
        || e instanceof Not || e instanceof IsNull || e instanceof IsNotNull || e instanceof In
        || e instanceof InSet || e instanceof Coalesce) {
      for (Expression child : list(e.children())) {
        if (mayFail(child)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }

  private String cast(Cast cast) throws Unsupported {
    DataType from = cast.child().dataType();
    DataType to = cast.dataType();
    String child = expr(cast.child());
    if (from.sameType(to)) {
      return child;
    }
    boolean ansi = cast.evalMode() == EvalMode.ANSI();
    boolean exact = (isIntegral(from) && (to instanceof LongType || to instanceof DoubleType
        || (to instanceof DecimalType && ansi) || (to instanceof IntegerType && ansi)))
        || (from instanceof DecimalType && to instanceof DecimalType && ansi)
        // A decimal of up to 15 digits is one double division away from its nearest double.
        || (from instanceof DecimalType decimal && decimal.precision() <= 15 && to instanceof DoubleType)
        || (isTimestamp(from) && to instanceof DateType)
        || (from instanceof DateType && isTimestamp(to))
        || ((isIntegral(from) || from instanceof DateType || from instanceof BooleanType) && to instanceof StringType)
        // Spark's text of a decimal is Java's BigDecimal text: every digit of the scale, and plain (not
        // scientific) for a scale up to 6, as DuckDB's (a satellite's hash diff of a measured value).
        || (from instanceof DecimalType decimal && decimal.scale() <= 6 && to instanceof StringType);
    if (isTimestamp(from) && to instanceof StringType) {
      // Spark's text of a timestamp: the session time zone's local time as 'yyyy-MM-dd HH:mm:ss' and
      // the fraction without its trailing zeros, which is DuckDB's text of a TIMESTAMP for four-digit years.
      String local = from instanceof TimestampType ? "CAST(" + child + " AS TIMESTAMP)" : child;
      return "CASE WHEN " + local + " IS NULL THEN NULL WHEN year(" + local + ") BETWEEN 1000 AND 9999 THEN CAST("
          + local + " AS VARCHAR) ELSE error('floe: the text of a timestamp outside the years 1000 to 9999') END";
    }
    if (ansi && to instanceof DecimalType target && cast.child() instanceof Divide divide
        && from instanceof DecimalType quotient && target.scale() < quotient.scale()) {
      Optional<String[]> rounded = quotientAtScale(divide, target.scale());
      if (rounded.isPresent()) {
        return "CASE WHEN " + rounded.get()[0] + " THEN CAST(" + rounded.get()[1] + " AS " + type(to)
            + ") ELSE CAST(" + child + " AS " + type(to) + ") END";
      }
    }
    if (from instanceof DoubleType && to instanceof DecimalType && ansi) {
      // Spark rounds the double's decimal text (Java's Double.toString) half up; DuckDB's text of a
      // double is the shortest that reads back, which is Java's but in rare 17-digit cases.
      return "CAST(CAST(" + child + " AS VARCHAR) AS " + type(to) + ")";
    }
    if (!exact) {
      throw new Unsupported("a cast from " + from.simpleString() + " to " + to.simpleString()
          + (ansi ? "" : " outside ANSI mode"));
    }
    return "CAST(" + child + " AS " + type(to) + ")";
  }

  private String binary(Expression left, String operator, Expression right) throws Unsupported {
    return "(" + expr(left) + " " + operator + " " + expr(right) + ")";
  }

  // Integers that overflow fail in both engines under ANSI; outside it Spark wraps around.
  private String arithmetic(Expression e, Expression left, String operator, Expression right, boolean ansi)
      throws Unsupported {
    exactArithmetic(e, ansi);
    if (e.dataType() instanceof DecimalType) {
      // DuckDB sizes a product of decimals by the operands' precisions, not by its value: widened
      // first, it fails only where Spark's result type would overflow too.
      return "CAST((" + wideDecimal(left) + " " + operator + " " + wideDecimal(right) + ") AS " + type(e.dataType())
          + ")";
    }
    return "CAST(" + binary(left, operator, right) + " AS " + type(e.dataType()) + ")";
  }

  private static boolean ansi(NumericEvalContext context) {
    return context.evalMode() == EvalMode.ANSI();
  }

  private String wideDecimal(Expression decimal) throws Unsupported {
    return "CAST(" + expr(decimal) + " AS DECIMAL(38, " + ((DecimalType) decimal.dataType()).scale() + "))";
  }

  private static void exactArithmetic(Expression e, boolean ansi) throws Unsupported {
    DataType type = e.dataType();
    if (isIntegral(type) && !ansi) {
      throw new Unsupported("integer arithmetic that wraps on overflow (spark.sql.ansi.enabled is false)");
    }
    if (!isIntegral(type) && !(type instanceof DoubleType) && !(type instanceof DecimalType)) {
      throw new Unsupported("arithmetic on " + type.simpleString());
    }
  }

  /**
   * The innermost argument of a chain of functions that are NULL exactly when their argument is (case
   * mappings, hashes, trim of spaces): testing it for NULL tests the chain without computing a hash
   * or a case mapping per row.
   */
  private static Expression nullAlike(Expression e) {
    while (true) {
      if (e instanceof Upper upper) {
        e = upper.child();
      } else if (e instanceof Lower lower) {
        e = lower.child();
      } else if ((e instanceof Md5 || e instanceof Sha1) && e.children().head() instanceof Cast bytes
          && isText(bytes.child().dataType())) {
        e = bytes.child(); // a hash of a string's UTF-8 bytes
      } else if (e instanceof StringTrim trim && trim.trimStr().isEmpty()) {
        e = trim.srcStr();
      } else {
        return e;
      }
    }
  }

  // Java and DuckDB map case alike in ASCII only: anything else is left to Spark. A hash's hexadecimal
  // digits are ASCII, so its case needs no check.
  private String caseMapped(Expression child, String function) throws Unsupported {
    String value = expr(child);
    if (child instanceof Md5 || child instanceof Sha1 || child instanceof Sha2) {
      return function + "(" + value + ")";
    }
    return "(CASE WHEN strlen(" + value + ") <> length(" + value + ") THEN error('floe: " + function
        + " outside ASCII') ELSE " + function + "(" + value + ") END)";
  }

  private String datePart(String part, Expression child) throws Unsupported {
    return "CAST(" + part + "(" + expr(child) + ") AS INTEGER)";
  }

  // ---- names, types and literals ----

  private String alias() {
    return "q" + aliases++;
  }

  private static String column(Attribute attribute) {
    return column(attribute.exprId().id());
  }

  private static String column(long id) {
    return "c" + id;
  }

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * A value's type inside the query: a table column's, or a struct of them (a result or a table
   * column is never a struct: {@link #type} refuses it).
   */
  private static String valueType(DataType type) throws Unsupported {
    if (type instanceof StructType struct) {
      List<String> fields = new ArrayList<>();
      for (StructField field : struct.fields()) {
        fields.add(identifier(field.name()) + " " + valueType(field.dataType()));
      }
      return "STRUCT(" + String.join(", ", fields) + ")";
    }
    return type(type);
  }

  /** DuckDB's type for a Spark type whose values DuckDB holds exactly. */
  static String type(DataType type) throws Unsupported {
    if (type instanceof IntegerType) {
      return "INTEGER";
    }
    if (type instanceof LongType) {
      return "BIGINT";
    }
    if (type instanceof DoubleType) {
      return "DOUBLE";
    }
    if (type instanceof DecimalType decimal) {
      return "DECIMAL(" + decimal.precision() + ", " + decimal.scale() + ")";
    }
    if (type instanceof BooleanType) {
      return "BOOLEAN";
    }
    if (type instanceof DateType) {
      return "DATE";
    }
    if (type instanceof TimestampType) {
      return "TIMESTAMPTZ";
    }
    if (type instanceof TimestampNTZType) {
      return "TIMESTAMP";
    }
    if (isText(type)) {
      return "VARCHAR";
    }
    if (type instanceof DayTimeIntervalType) {
      return "INTERVAL";
    }
    throw new Unsupported("the type " + type.simpleString());
  }

  private String literal(Object value, DataType type) throws Unsupported {
    String duckType = type(type);
    if (value == null) {
      return "CAST(NULL AS " + duckType + ")";
    }
    if (type instanceof StringType) {
      return "'" + value.toString().replace("'", "''") + "'";
    }
    if (type instanceof BooleanType) {
      return value.toString().toUpperCase(Locale.ROOT);
    }
    if (type instanceof IntegerType || type instanceof LongType) {
      return "CAST(" + value + " AS " + duckType + ")";
    }
    if (type instanceof DoubleType) {
      double number = (Double) value;
      if (Double.isNaN(number) || Double.isInfinite(number)) {
        return "CAST('" + (Double.isNaN(number) ? "nan" : number > 0 ? "inf" : "-inf") + "' AS DOUBLE)";
      }
      // Java's text of a double reads back as the same double.
      return "CAST('" + number + "' AS DOUBLE)";
    }
    if (type instanceof DecimalType) {
      BigDecimal decimal = ((Decimal) value).toJavaBigDecimal();
      return "CAST('" + decimal.toPlainString() + "' AS " + duckType + ")";
    }
    if (type instanceof DateType) {
      return "DATE '" + LocalDate.ofEpochDay((Integer) value) + "'";
    }
    if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      return timestampLiteral((Long) value, type instanceof TimestampType);
    }
    if (type instanceof DayTimeIntervalType) {
      return "to_microseconds(CAST(" + value + " AS BIGINT))";
    }
    throw new Unsupported("a literal of " + type.simpleString());
  }

  /** DuckDB's literal of a Spark timestamp ({@code zoned}) or timestamp without time zone, in microseconds. */
  static String timestampLiteral(long micros, boolean zoned) {
    Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    String text = instant.toString().replace("T", " ").replace("Z", "");
    return zoned ? "TIMESTAMPTZ '" + text + "+00'" : "TIMESTAMP '" + text + "'";
  }

  private static boolean isIntegral(DataType type) {
    return type instanceof IntegerType || type instanceof LongType;
  }

  private static boolean isTimestamp(DataType type) {
    return type instanceof TimestampType || type instanceof TimestampNTZType;
  }

  static <T> List<T> list(scala.collection.Seq<T> seq) {
    return CollectionConverters.asJava(seq);
  }
}
