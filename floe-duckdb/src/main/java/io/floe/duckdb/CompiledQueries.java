package io.floe.duckdb;

import io.floe.spark.FloeEngine;
import io.floe.spark.local.LocalQuery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.source.SparkTable;
import org.apache.iceberg.view.SQLViewRepresentation;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Queries {@link PlanSql} compiled, kept for the JVM's life by their {@link LocalQuery#key}, so that the
 * same query in a later run (a {@code table} model, a data test of a whole table) runs in DuckDB without
 * Spark parsing, analyzing and optimizing it again. A query is kept when it is compiled the second time
 * in a process (a server's second run), and reused from the third: a command that runs once and exits
 * does not pay for the checks below.
 *
 * <p>A compiled query holds for later snapshots of its tables as long as what Spark's analysis read
 * from the catalog is the same: each table's identity (UUID), schema and partition spec, each view's
 * SQL. That is checked before every reuse; the files each scan reads are then chosen again, from the
 * newest snapshot of the branch it read, by the filter Spark pushed into it. A query is not kept when
 * its SQL holds for the current snapshots only (values Spark read from table metadata, a read at a
 * snapshot or of the rows appended between two, files read by name), when it reads anything but this
 * catalog's tables and views, when it has a nondeterministic expression or one Spark fixes when it
 * optimizes (the current time, date, user), or when choosing its files again does not give the files
 * Spark's own scans read.
 */
final class CompiledQueries {
  private static final Logger LOG = LoggerFactory.getLogger(CompiledQueries.class);
  // A server's project has a few hundred models and tests; each entry is one SQL text and its scans.
  private static final int CAPACITY = 1024;

  /** A query ready for DuckDB: its SQL, its columns, and its scans with their files chosen now. */
  record Ready(String sql, StructType schema, List<PlanSql.Scan> scans) {}

  /**
   * A table or view the query reads, as the compiled SQL knows it. A temporary view (a view a run
   * staged) is named in {@code id}'s name, and its name and SQL are {@link LocalQuery#generalized}.
   */
  private record Input(TableIdentifier id, Kind kind, String uuid, int schemaId, int specId, String viewSql) {}

  private enum Kind { TABLE, VIEW, TEMPORARY_VIEW }

  /** A scan of the compiled query and the table and branch (null: main; generalized) it reads. */
  private record StoredScan(PlanSql.Scan scan, TableIdentifier table, String branch) {}

  private record Entry(String sql, StructType schema, String timeZone, List<Input> inputs, List<StoredScan> scans) {}

  // Expressions Spark's optimizer replaces by their value at the time (ComputeCurrentTime, ReplaceCurrentLike).
  private static final Set<String> FIXED_WHEN_OPTIMIZED = Set.of("CurrentTimestamp", "CurrentDate", "CurrentTime",
      "Now", "LocalTimestamp", "CurrentTimeZone", "CurrentUser", "CurrentDatabase", "CurrentCatalog",
      "CurrentBatchTimestamp");

  private final Map<String, Entry> entries = leastRecentlyUsed(CAPACITY);

  // Keys of queries compiled once: a query is kept when it is compiled a second time, so that a process
  // that runs a build once and exits (the CLI) does not pay for checks whose result it never uses.
  private final Map<String, Boolean> seen = leastRecentlyUsed(4 * CAPACITY);

  // A map in access order that drops its least recently used entry beyond capacity (callers synchronize).
  private static <V> Map<String, V> leastRecentlyUsed(int capacity) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > capacity;
      }
    };
  }

  /**
   * Whether {@code query} was compiled before in this process (it is noted now if it was not): only
   * then is it worth {@link #remember}ing, which checks it at the cost of planning its scans again.
   */
  boolean compiledBefore(LocalQuery query) {
    if (query.key().isEmpty()) {
      return false;
    }
    synchronized (seen) {
      return seen.put(query.key().get(), Boolean.TRUE) != null;
    }
  }

  /**
   * The columns of the query compiled before, when what it was compiled for holds now; empty when it was
   * not compiled, or that changed (the entry is then dropped). Nothing is planned.
   */
  Optional<StructType> schema(FloeEngine engine, LocalQuery query) {
    return valid(engine, query, new HashMap<>()).map(Entry::schema);
  }

  /**
   * The query compiled before, with its scans' files chosen from the tables' newest snapshots; empty
   * when it was not compiled, or what it was compiled for changed (the entry is then dropped).
   */
  Optional<Ready> reuse(FloeEngine engine, LocalQuery query) {
    Map<TableIdentifier, Table> tables = new HashMap<>();
    Optional<Entry> entry = valid(engine, query, tables);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    // Scans of one table with one filter (a WITH query read twice) read the same files: planned once.
    Map<List<Object>, List<FileScanTask>> planned = new HashMap<>();
    List<PlanSql.Scan> scans = new ArrayList<>();
    for (StoredScan stored : entry.get().scans()) {
      Table table = tables.get(stored.table());
      String branch = branch(stored.branch(), query).orElse(null);
      PlanSql.Reading reading = stored.scan().reading();
      List<FileScanTask> files = planned.computeIfAbsent(
          java.util.Arrays.asList(stored.table(), branch, reading.filter().toString(), reading.caseSensitive()),
          ignored -> files(table, branch, reading));
      scans.add(stored.scan().withTasks(table, files));
    }
    return Optional.of(new Ready(entry.get().sql(), entry.get().schema(), scans));
  }

  // The query's entry if it has one that holds now, with the tables it reads loaded into tables.
  private Optional<Entry> valid(FloeEngine engine, LocalQuery query, Map<TableIdentifier, Table> tables) {
    if (query.key().isEmpty()) {
      return Optional.empty();
    }
    Entry entry;
    synchronized (entries) {
      entry = entries.get(query.key().get());
    }
    if (entry == null) {
      return Optional.empty();
    }
    Optional<String> stale = stale(engine, entry, query, tables);
    if (stale.isPresent()) {
      LOG.debug("Compiled query no longer holds ({}): {}", stale.get(), query.key().get());
      synchronized (entries) {
        entries.remove(query.key().get(), entry);
      }
      return Optional.empty();
    }
    return Optional.of(entry);
  }

  /**
   * Keeps {@code compiled}, the translation of {@code rows} (the query's Dataset), when it holds for
   * later snapshots of what it reads.
   */
  void remember(FloeEngine engine, LocalQuery query, Dataset<Row> rows, PlanSql.Compiled compiled) {
    if (query.key().isEmpty()) {
      return;
    }
    Optional<String> why = Optional.ofNullable(compiled.notReusable());
    List<Input> inputs = new ArrayList<>();
    if (why.isEmpty()) {
      why = inputs(engine, rows.queryExecution().analyzed(), query, inputs);
    }
    List<StoredScan> scans = new ArrayList<>();
    for (PlanSql.Scan scan : compiled.scans()) {
      if (why.isPresent()) {
        break;
      }
      why = sameFiles(scan);
      TableIdentifier id = identifier(engine, scan.table());
      String branch = scan.reading() == null ? null : scan.reading().branch();
      scans.add(new StoredScan(scan.withTasks(scan.table(), List.of()), id,
          branch == null ? null : LocalQuery.generalized(branch)));
    }
    if (why.isPresent()) {
      LOG.debug("Compiled query not kept for later runs ({})", why.get());
      return;
    }
    Entry entry = new Entry(compiled.sql(), rows.schema(), timeZone(engine), List.copyOf(inputs), List.copyOf(scans));
    synchronized (entries) {
      entries.put(query.key().get(), entry);
    }
  }

  private static String timeZone(FloeEngine engine) {
    return engine.session().conf().get("spark.sql.session.timeZone");
  }

  // The branch a scan reads in this query's run; empty for main, null for a run branch this query has not.
  private static Optional<String> branch(String stored, LocalQuery query) {
    return stored == null ? Optional.empty() : Optional.ofNullable(query.specific(stored).orElse(null));
  }

  // Why the entry no longer holds, if it does not: a table or view it read differs, or the session's time zone.
  private static Optional<String> stale(FloeEngine engine, Entry entry, LocalQuery query,
      Map<TableIdentifier, Table> tables) {
    if (!entry.timeZone().equals(timeZone(engine))) {
      return Optional.of("the session's time zone changed");
    }
    for (Input input : entry.inputs()) {
      if (input.kind() == Kind.TEMPORARY_VIEW) {
        Optional<String> sql = query.specific(input.id().name()).flatMap(name -> temporaryViewSql(engine, name));
        if (!sql.map(LocalQuery::generalized).equals(Optional.of(input.viewSql()))) {
          return Optional.of("the temporary view " + input.id().name() + " changed");
        }
        continue;
      }
      if (input.kind() == Kind.VIEW) {
        if (!viewSql(engine, input.id()).equals(Optional.of(input.viewSql()))) {
          return Optional.of("the view " + input.id() + " changed");
        }
        continue;
      }
      Table table = tables.computeIfAbsent(input.id(), id -> engine.findTable(id).orElse(null));
      if (table == null || !table.uuid().toString().equals(input.uuid())
          || table.schema().schemaId() != input.schemaId() || table.spec().specId() != input.specId()) {
        return Optional.of("the table " + input.id() + " changed");
      }
    }
    for (StoredScan scan : entry.scans()) {
      Table table = tables.get(scan.table());
      if (table == null) {
        return Optional.of("the table " + scan.table() + " is not an input"); // never: each scan's table is one
      }
      Optional<String> branch = branch(scan.branch(), query);
      if (branch == null) {
        return Optional.of("no run branch");
      }
      if (branch.isPresent() && table.refs().get(branch.get()) == null) {
        return Optional.of("no branch " + branch.get() + " of " + scan.table());
      }
    }
    return Optional.empty();
  }

  // The files a scan reads at the branch's newest snapshot, chosen as Spark's scan chose them.
  private static List<FileScanTask> files(Table table, String branch, PlanSql.Reading reading) {
    Snapshot snapshot = branch == null ? table.currentSnapshot() : table.snapshot(branch);
    if (snapshot == null) {
      return List.of();
    }
    List<FileScanTask> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId())
        .filter(reading.filter()).caseSensitive(reading.caseSensitive()).planFiles()) {
      tasks.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the files of " + table.name(), e);
    }
    return files;
  }

  // Whether choosing the scan's files again, in the snapshot Spark read, gives Spark's own files.
  private static Optional<String> sameFiles(PlanSql.Scan scan) {
    if (scan.reading() == null) {
      return Optional.of("a scan of " + scan.table().name() + " not chosen by a filter");
    }
    Set<String> spark = new HashSet<>();
    scan.tasks().forEach(task -> spark.add(describe(task)));
    Set<String> again = new HashSet<>();
    files(scan.table(), scan.reading().branch(), scan.reading()).forEach(task -> again.add(describe(task)));
    return spark.equals(again) ? Optional.empty()
        : Optional.of("the files of " + scan.table().name() + " chosen again differ from Spark's");
  }

  private static String describe(FileScanTask task) {
    List<String> deletes = new ArrayList<>();
    task.deletes().forEach(delete -> deletes.add(delete.location()));
    deletes.sort(null);
    return task.file().location() + " " + task.start() + " " + task.length() + " " + deletes;
  }

  private static TableIdentifier identifier(FloeEngine engine, Table table) {
    String name = table.name();
    String prefix = engine.catalogName() + ".";
    return TableIdentifier.parse(name.startsWith(prefix) ? name.substring(prefix.length()) : name);
  }

  // The tables and views of this catalog the analyzed plan reads, into inputs; why it cannot be kept, if it cannot.
  private static Optional<String> inputs(FloeEngine engine, LogicalPlan plan, LocalQuery query,
      List<Input> inputs) {
    if (plan instanceof DataSourceV2Relation relation) {
      if (!(relation.table() instanceof SparkTable iceberg)) {
        return Optional.of("a read of " + relation.table().name());
      }
      Table table = iceberg.table();
      TableIdentifier id = identifier(engine, table);
      if (!engine.findTable(id).map(found -> found.uuid().equals(table.uuid())).orElse(false)) {
        return Optional.of("a table of another catalog: " + table.name());
      }
      inputs.add(new Input(id, Kind.TABLE, table.uuid().toString(), table.schema().schemaId(), table.spec().specId(),
          null));
      return Optional.empty();
    }
    if (plan instanceof View view) {
      String name = view.desc().identifier().table();
      if (view.desc().viewText().isEmpty()) {
        return Optional.of("a view without SQL: " + name);
      }
      String sql = view.desc().viewText().get();
      if (view.isTempView()) {
        if (!temporaryViewSql(engine, name).equals(Optional.of(sql))) {
          return Optional.of("a temporary view not found as Spark read it: " + name);
        }
        inputs.add(new Input(TableIdentifier.of(LocalQuery.generalized(name)), Kind.TEMPORARY_VIEW, null, 0, 0,
            LocalQuery.generalized(sql)));
      } else {
        if (view.desc().identifier().database().isEmpty()) {
          return Optional.of("a view without a namespace: " + name);
        }
        TableIdentifier id = TableIdentifier.of(Namespace.of(view.desc().identifier().database().get().split("\\.")),
            name);
        if (!viewSql(engine, id).equals(Optional.of(sql))) {
          return Optional.of("a view not found as Spark read it: " + id);
        }
        inputs.add(new Input(id, Kind.VIEW, null, 0, 0, sql));
      }
    } else if (plan.children().isEmpty()
        && !(plan instanceof LocalRelation || plan instanceof OneRowRelation || plan instanceof Range
        // A reference to a WITH clause's query, which the plan holds (WithCTE) and this walk reads too.
        || plan instanceof org.apache.spark.sql.catalyst.plans.logical.CTERelationRef)) {
      return Optional.of("a read of " + plan.nodeName());
    }
    for (Expression expression : CollectionConverters.asJava(plan.expressions())) {
      Optional<String> why = inputs(engine, expression, query, inputs);
      if (why.isPresent()) {
        return why;
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      Optional<String> why = inputs(engine, child, query, inputs);
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> inputs(FloeEngine engine, Expression expression, LocalQuery query,
      List<Input> inputs) {
    if (!expression.deterministic() || FIXED_WHEN_OPTIMIZED.contains(expression.getClass().getSimpleName())) {
      return Optional.of("the expression " + expression.prettyName() + ", whose value changes from run to run");
    }
    if (expression instanceof SubqueryExpression subquery) {
      Optional<String> why = inputs(engine, subquery.plan(), query, inputs);
      if (why.isPresent()) {
        return why;
      }
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      Optional<String> why = inputs(engine, child, query, inputs);
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  // The SQL of a temporary view of the engine's session, if it has one by that name.
  private static Optional<String> temporaryViewSql(FloeEngine engine, String name) {
    scala.Option<org.apache.spark.sql.catalyst.catalog.TemporaryViewRelation> view =
        engine.session().sessionState().catalog().getRawTempView(name);
    if (view.isEmpty()) {
      return Optional.empty();
    }
    scala.Option<String> text = view.get().tableMeta().viewText();
    return text.isDefined() ? Optional.of(text.get()) : Optional.empty();
  }

  // The Spark SQL of a view of the catalog, if it has one by that name.
  private static Optional<String> viewSql(FloeEngine engine, TableIdentifier id) {
    Catalog catalog = engine.icebergCatalog();
    if (!(catalog instanceof ViewCatalog views)) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(views.loadView(id).sqlFor("spark")).map(SQLViewRepresentation::sql);
    } catch (org.apache.iceberg.exceptions.NoSuchViewException e) {
      return Optional.empty();
    }
  }
}
