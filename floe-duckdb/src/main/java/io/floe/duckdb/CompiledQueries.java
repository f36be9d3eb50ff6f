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
import org.apache.iceberg.DataOperations;
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
 * Queries {@link PlanSql} compiled, kept by their {@link LocalQuery#key}, so that the same query in a
 * later run (a {@code table} model, a data test of a whole table) runs in DuckDB without Spark parsing,
 * analyzing and optimizing it again. A query without {@link LocalQuery#parameters} is kept when it is first
 * compiled and reused from its second run; one with parameters is kept when it is compiled the second time
 * (two compiles tell where its parameters went), and reused from the third. Kept in memory for the JVM's
 * life, and in the project's {@link CompiledQueryStore}, so that the compiles of earlier processes count
 * too: a {@code floe build} run by a schedule reuses what the builds before it compiled.
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
 *
 * <p>A query's {@link LocalQuery#parameters} (an incremental model's watermark) are left out of its key.
 * Each compile is noted with the values it had; when two compiles with different values give the same
 * DuckDB SQL and the same pushed filters but for those values, each in the form its type takes there,
 * the kept query has them as parameters and a later run puts its own values in. A value Spark changed
 * on its way into the plan (a cast it folded, a date derived from it) does not match, and the query is
 * then kept for those exact values only.
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

  /**
   * A kept query.
   *
   * @param sql its DuckDB SQL, with {@link #marker}s where a parameter's value goes
   * @param values the parameters' values (microseconds) it was compiled with, which its scans' filters hold
   * @param variable for each parameter, whether another value may be put in; if not, the query holds for
   *     its value only
   * @param baseSchema the columns of the query's {@link LocalQuery#base}, the SQL before its steps; null
   *     for a query without steps
   */
  private record Entry(String sql, StructType schema, String timeZone, List<Input> inputs, List<StoredScan> scans,
      List<Long> values, List<Boolean> variable, StructType baseSchema) {}

  /** A compile of a query: its SQL, its scans' pushed filters and its parameters' values (microseconds). */
  private record Sighting(String sql, List<org.apache.iceberg.expressions.Expression> filters, List<Long> values)
      implements java.io.Serializable {}

  /** An {@link Entry} as {@link CompiledQueryStore} keeps it: names rather than tables, no files. */
  private record StoredEntry(String sql, StructType schema, String timeZone, List<StoredInput> inputs,
      List<StoredScanOf> scans, List<Long> values, List<Boolean> variable, StructType baseSchema)
      implements java.io.Serializable {
    static StoredEntry of(Entry entry) {
      return new StoredEntry(entry.sql(), entry.schema(), entry.timeZone(), entry.inputs().stream()
          .map(input -> new StoredInput(List.of(input.id().namespace().levels()), input.id().name(), input.kind(),
              input.uuid(), input.schemaId(), input.specId(), input.viewSql())).toList(),
          entry.scans().stream().map(stored -> new StoredScanOf(stored.scan().view(), stored.scan().columns(),
              stored.scan().reading(), List.of(stored.table().namespace().levels()), stored.table().name(),
              stored.branch())).toList(), entry.values(), entry.variable(), entry.baseSchema());
    }

    Entry entry() {
      return new Entry(sql, schema, timeZone, inputs.stream().map(input -> new Input(input.id(), input.kind(),
          input.uuid(), input.schemaId(), input.specId(), input.viewSql())).toList(), scans.stream()
          .map(scan -> new StoredScan(new PlanSql.Scan(scan.view(), null, List.of(), scan.columns(), scan.reading()),
              identifier(scan.namespace(), scan.name()), scan.branch()))
          .toList(), values, variable, baseSchema);
    }

    private static TableIdentifier identifier(List<String> namespace, String name) {
      return TableIdentifier.of(Namespace.of(namespace.toArray(String[]::new)), name);
    }
  }

  private record StoredInput(List<String> namespace, String name, Kind kind, String uuid, int schemaId, int specId,
      String viewSql) implements java.io.Serializable {
    TableIdentifier id() {
      return StoredEntry.identifier(namespace, name);
    }
  }

  private record StoredScanOf(String view, List<PlanSql.ScanColumn> columns, PlanSql.Reading reading,
      List<String> namespace, String name, String branch) implements java.io.Serializable {}

  // What CompiledQueryStore holds for a key: a kept query, a compile of one (to keep it at the next), or, for a
  // query before its steps, the key of the kept query with them.
  private static final String ENTRY = "entry";
  private static final String SEEN = "seen";
  private static final String STEPS = "steps";

  // Each engine's store (its project's, for its session's settings).
  private final Map<FloeEngine, CompiledQueryStore> stores = new java.util.WeakHashMap<>();

  // Expressions Spark's optimizer replaces by their value at the time (ComputeCurrentTime, ReplaceCurrentLike).
  private static final Set<String> FIXED_WHEN_OPTIMIZED = Set.of("CurrentTimestamp", "CurrentDate", "CurrentTime",
      "Now", "LocalTimestamp", "CurrentTimeZone", "CurrentUser", "CurrentDatabase", "CurrentCatalog",
      "CurrentBatchTimestamp");

  private final Map<String, Entry> entries = leastRecentlyUsed(CAPACITY);

  // How many appends in a row plannedFiles looks back over for files it chose before.
  private static final int MAX_APPENDS_PLANNED_ON = 16;

  // The files each filter chose from a snapshot of a table (plannedFiles), by table UUID, snapshot and filter.
  private final Map<String, List<FileScanTask>> filesByFilter = leastRecentlyUsed(CAPACITY / 4);

  // The key of the query kept for each query before its steps (LocalQuery.then): the base's columns are the
  // kept query's baseSchema, which tell a materialization the SELECT's columns without Spark analyzing it.
  private final Map<String, String> withSteps = leastRecentlyUsed(CAPACITY);

  // Queries with parameters compiled once, by key: the last compile is noted, to tell where its parameters
  // went when it is compiled again.
  private final Map<String, Sighting> seen = leastRecentlyUsed(4 * CAPACITY);

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
   * Whether the compile about to happen of {@code query} will be kept, which checks it at the cost of planning
   * its scans again: always for a query without parameters; for one with parameters, when it was compiled
   * before, in this process or by an earlier one of the project ({@link #compiled} notes each compile).
   */
  boolean compiledBefore(FloeEngine engine, LocalQuery query) {
    if (query.key().isEmpty()) {
      return false;
    }
    if (query.parameters().isEmpty()) {
      return true;
    }
    synchronized (seen) {
      if (seen.containsKey(query.key().get())) {
        return true;
      }
    }
    return store(engine).has(SEEN, query.key().get());
  }

  /**
   * Notes {@code compiled}, a compile of {@code query}, and keeps it ({@link #remember}) when the query was
   * compiled before in this process.
   */
  void compiled(FloeEngine engine, LocalQuery query, Dataset<Row> rows, PlanSql.Compiled compiled) {
    if (query.key().isEmpty()) {
      return;
    }
    List<org.apache.iceberg.expressions.Expression> filters = new ArrayList<>();
    compiled.scans().forEach(scan -> filters.add(scan.reading() == null ? null : scan.reading().filter()));
    Sighting now = new Sighting(compiled.sql(), filters, values(engine, query));
    if (query.parameters().isEmpty()) {
      // Nothing to tell apart between two compiles: kept at its first.
      remember(engine, query, rows, compiled, now, now);
      return;
    }
    Sighting earlier;
    synchronized (seen) {
      earlier = seen.put(query.key().get(), now);
    }
    if (earlier == null) {
      // Compiled by an earlier process (a build before this one), or noted for the next one.
      earlier = store(engine).read(SEEN, query.key().get(), Sighting.class).orElse(null);
      if (earlier == null) {
        store(engine).write(SEEN, query.key().get(), now);
        return;
      }
    }
    remember(engine, query, rows, compiled, earlier, now);
  }

  /**
   * The columns of the query compiled before, when what it was compiled for holds now; empty when it was
   * not compiled, or that changed (the entry is then dropped). Nothing is planned.
   */
  Optional<StructType> schema(FloeEngine engine, LocalQuery query) {
    Optional<StructType> schema = valid(engine, query.key(), query, new HashMap<>()).map(Entry::schema);
    if (schema.isPresent() || query.key().isEmpty()) {
      return schema;
    }
    String stepped;
    synchronized (entries) {
      stepped = withSteps.get(query.key().get());
    }
    if (stepped == null) {
      stepped = store(engine).read(STEPS, query.key().get(), String.class).orElse(null);
    }
    // What the query with steps read covers what the query before them reads.
    return stepped == null ? Optional.empty()
        : valid(engine, Optional.of(stepped), query, new HashMap<>()).map(Entry::baseSchema);
  }

  /**
   * The query compiled before, with its scans' files chosen from the tables' newest snapshots; empty
   * when it was not compiled, or what it was compiled for changed (the entry is then dropped).
   */
  Optional<Ready> reuse(FloeEngine engine, LocalQuery query) {
    Map<TableIdentifier, Table> tables = new HashMap<>();
    Optional<Entry> entry = valid(engine, query.key(), query, tables);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    List<Long> values = values(engine, query);
    Map<Long, Long> replaced = new HashMap<>();
    String sql = entry.get().sql();
    for (int i = 0; i < values.size(); i++) {
      if (entry.get().variable().get(i)) {
        replaced.put(entry.get().values().get(i), values.get(i));
        sql = sql.replace(marker(i), PlanSql.timestampLiteral(values.get(i), query.parameters().get(i).zoned()));
      }
    }
    // Scans of one table with one filter (a WITH query read twice) read the same files: planned once
    // (plannedFiles keeps them by snapshot and filter).
    List<PlanSql.Scan> scans = new ArrayList<>();
    for (StoredScan stored : entry.get().scans()) {
      Table table = tables.get(stored.table());
      String branch = branch(stored.branch(), query).orElse(null);
      PlanSql.Reading kept = stored.scan().reading();
      PlanSql.Reading reading = new PlanSql.Reading(kept.branch(), withValues(kept.filter(), replaced),
          kept.caseSensitive());
      scans.add(stored.scan().withTasks(table, plannedFiles(table, branch, reading)));
    }
    return Optional.of(new Ready(sql, entry.get().schema(), scans));
  }

  // The microseconds of each of the query's parameters, timestamps read in the session's time zone.
  private static List<Long> values(FloeEngine engine, LocalQuery query) {
    java.time.ZoneId zone = java.time.ZoneId.of(timeZone(engine));
    List<Long> values = new ArrayList<>();
    for (LocalQuery.Parameter parameter : query.parameters()) {
      java.time.LocalDateTime local = java.time.LocalDateTime.parse(parameter.text().replace(' ', 'T'));
      java.time.Instant instant = parameter.zoned() ? local.atZone(zone).toInstant()
          : local.toInstant(java.time.ZoneOffset.UTC);
      values.add(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000L));
    }
    return values;
  }

  // Where the value of parameter i goes in a kept query's SQL (never in SQL PlanSql writes).
  private static String marker(int i) {
    return "\0floe_parameter_" + i + "\0";
  }

  /**
   * {@code filter} with each literal that is a key of {@code replaced} (microseconds) replaced by its value.
   * Only comparisons and IN lists are rewritten: a pushed filter has no other literals.
   */
  static org.apache.iceberg.expressions.Expression withValues(org.apache.iceberg.expressions.Expression filter,
      Map<Long, Long> replaced) {
    if (replaced.isEmpty() || replaced.entrySet().stream().allMatch(e -> e.getKey().equals(e.getValue()))) {
      return filter;
    }
    return org.apache.iceberg.expressions.ExpressionVisitors.visit(filter,
        new org.apache.iceberg.expressions.ExpressionVisitors.ExpressionVisitor<>() {
          @Override
          public org.apache.iceberg.expressions.Expression alwaysTrue() {
            return org.apache.iceberg.expressions.Expressions.alwaysTrue();
          }

          @Override
          public org.apache.iceberg.expressions.Expression alwaysFalse() {
            return org.apache.iceberg.expressions.Expressions.alwaysFalse();
          }

          @Override
          public org.apache.iceberg.expressions.Expression not(org.apache.iceberg.expressions.Expression result) {
            return org.apache.iceberg.expressions.Expressions.not(result);
          }

          @Override
          public org.apache.iceberg.expressions.Expression and(org.apache.iceberg.expressions.Expression left,
              org.apache.iceberg.expressions.Expression right) {
            return org.apache.iceberg.expressions.Expressions.and(left, right);
          }

          @Override
          public org.apache.iceberg.expressions.Expression or(org.apache.iceberg.expressions.Expression left,
              org.apache.iceberg.expressions.Expression right) {
            return org.apache.iceberg.expressions.Expressions.or(left, right);
          }

          @Override
          public <T> org.apache.iceberg.expressions.Expression predicate(
              org.apache.iceberg.expressions.BoundPredicate<T> predicate) {
            return predicate;
          }

          @Override
          @SuppressWarnings({"unchecked", "rawtypes"})
          public <T> org.apache.iceberg.expressions.Expression predicate(
              org.apache.iceberg.expressions.UnboundPredicate<T> predicate) {
            org.apache.iceberg.expressions.UnboundTerm term = predicate.term();
            return switch (predicate.op()) {
              case LT -> org.apache.iceberg.expressions.Expressions.lessThan(term, value(predicate.literal()));
              case LT_EQ -> org.apache.iceberg.expressions.Expressions.lessThanOrEqual(term, value(predicate.literal()));
              case GT -> org.apache.iceberg.expressions.Expressions.greaterThan(term, value(predicate.literal()));
              case GT_EQ -> org.apache.iceberg.expressions.Expressions.greaterThanOrEqual(term,
                  value(predicate.literal()));
              case EQ -> org.apache.iceberg.expressions.Expressions.equal(term, value(predicate.literal()));
              case NOT_EQ -> org.apache.iceberg.expressions.Expressions.notEqual(term, value(predicate.literal()));
              case IN -> org.apache.iceberg.expressions.Expressions.in(term,
                  predicate.literals().stream().map(this::value).toList());
              case NOT_IN -> org.apache.iceberg.expressions.Expressions.notIn(term,
                  predicate.literals().stream().map(this::value).toList());
              default -> predicate;
            };
          }

          private Object value(org.apache.iceberg.expressions.Literal<?> literal) {
            Object value = literal.value();
            return value instanceof Long number && replaced.containsKey(number) ? replaced.get(number) : value;
          }
        });
  }

  // The entry of key, if it has one that holds now for query, with the tables it reads loaded into tables.
  private Optional<Entry> valid(FloeEngine engine, Optional<String> key, LocalQuery query,
      Map<TableIdentifier, Table> tables) {
    if (key.isEmpty()) {
      return Optional.empty();
    }
    Entry entry;
    synchronized (entries) {
      entry = entries.get(key.get());
    }
    boolean stored = false;
    if (entry == null) {
      entry = store(engine).read(ENTRY, key.get(), StoredEntry.class).map(StoredEntry::entry).orElse(null);
      if (entry == null) {
        return Optional.empty();
      }
      stored = true;
    }
    Optional<String> stale = stale(engine, entry, query, tables);
    if (stale.isPresent()) {
      LOG.debug("Compiled query no longer holds ({}): {}", stale.get(), key.get());
      synchronized (entries) {
        entries.remove(key.get(), entry);
      }
      store(engine).remove(ENTRY, key.get());
      return Optional.empty();
    }
    if (stored) {
      LOG.debug("Compiled query read from {}: {}", store(engine).directory(), key.get());
      synchronized (entries) {
        entries.putIfAbsent(key.get(), entry);
      }
    }
    return Optional.of(entry);
  }

  /**
   * Keeps {@code compiled}, the translation of {@code rows} (the query's Dataset), when it holds for
   * later snapshots of what it reads; with the parameters whose values moved since {@code earlier}, the
   * query's last compile, as parameters when the two compiles differ in those values only.
   */
  private void remember(FloeEngine engine, LocalQuery query, Dataset<Row> rows, PlanSql.Compiled compiled,
      Sighting earlier, Sighting now) {
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
    List<Boolean> variable = new ArrayList<>();
    String sql = template(query, earlier, now, variable);
    if (variable.contains(true)) {
      LOG.debug("Compiled query kept with its timestamps as parameters: {}", query.key().get());
    }
    Optional<LocalQuery> base = query.base().filter(before -> before.key().isPresent());
    Entry entry = new Entry(sql, rows.schema(), timeZone(engine), List.copyOf(inputs), List.copyOf(scans),
        now.values(), List.copyOf(variable), base.map(before -> before.rows().schema()).orElse(null));
    synchronized (entries) {
      entries.put(query.key().get(), entry);
      base.ifPresent(before -> withSteps.put(before.key().get(), query.key().get()));
    }
    CompiledQueryStore store = store(engine);
    store.write(ENTRY, query.key().get(), StoredEntry.of(entry));
    base.ifPresent(before -> store.write(STEPS, before.key().get(), query.key().get()));
  }

  // The store of the engine's project; opened (its stale files removed) once per engine.
  private CompiledQueryStore store(FloeEngine engine) {
    synchronized (stores) {
      return stores.computeIfAbsent(engine, CompiledQueryStore::open);
    }
  }

  /** Forgets what this process compiled, as a new process starts: what the stores hold stays. For tests. */
  void forgetInMemory() {
    synchronized (entries) {
      entries.clear();
      withSteps.clear();
    }
    synchronized (seen) {
      seen.clear();
    }
    synchronized (filesByFilter) {
      filesByFilter.clear();
    }
    synchronized (stores) {
      stores.clear();
    }
  }

  /**
   * The SQL of {@code now} with a {@link #marker} for each parameter whose value differs from {@code
   * earlier}'s, when the two compiles' SQL and filters differ in those values only, each in its DuckDB
   * and Iceberg form; otherwise {@code now}'s SQL as it is. Which parameters are variable goes into
   * {@code variable}.
   */
  private static String template(LocalQuery query, Sighting earlier, Sighting now, List<Boolean> variable) {
    List<Long> before = earlier.values();
    List<Long> after = now.values();
    int count = after.size();
    for (int i = 0; i < count; i++) {
      variable.add(false);
    }
    if (count == 0 || before.equals(after) || now.sql().contains("\0") || earlier.filters().size() != now.filters()
        .size()) {
      return now.sql();
    }
    Map<Long, Long> moved = new HashMap<>();
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < i; j++) {
        // One value in one compile and two in the other: which occurrence is which parameter cannot be told.
        if (before.get(i).equals(before.get(j)) != after.get(i).equals(after.get(j))) {
          return now.sql();
        }
      }
      if (!before.get(i).equals(after.get(i))) {
        moved.put(before.get(i), after.get(i));
      }
    }
    String then = earlier.sql();
    String sql = now.sql();
    for (int i = 0; i < count; i++) {
      if (before.get(i).equals(after.get(i))) {
        continue;
      }
      boolean zoned = query.parameters().get(i).zoned();
      String old = PlanSql.timestampLiteral(before.get(i), zoned);
      String current = PlanSql.timestampLiteral(after.get(i), zoned);
      if (sql.contains(old) || then.contains(current)) {
        return now.sql();
      }
      then = then.replace(old, marker(i));
      sql = sql.replace(current, marker(i));
    }
    // Each compile names its columns by Spark's attribute ids, new in each analysis.
    if (!renumbered(then).equals(renumbered(sql))) {
      return now.sql();
    }
    for (int k = 0; k < now.filters().size(); k++) {
      org.apache.iceberg.expressions.Expression thenFilter = earlier.filters().get(k);
      org.apache.iceberg.expressions.Expression filter = now.filters().get(k);
      if (thenFilter == null || filter == null) {
        if (thenFilter != filter) {
          return now.sql();
        }
        continue;
      }
      String text = filter.toString();
      String thenText = thenFilter.toString();
      for (Map.Entry<Long, Long> value : moved.entrySet()) {
        if (text.contains(Long.toString(value.getKey())) || thenText.contains(Long.toString(value.getValue()))) {
          return now.sql();
        }
      }
      if (!withValues(thenFilter, moved).toString().equals(text)) {
        return now.sql();
      }
    }
    // Spark drops a pushed filter that partitions answer in full (ts > X with X + 1 on a day's start, for
    // days(ts)), so a value on an hour's edge (the finest time partition) may have no comparison in the SQL,
    // which another value would need. Off the edges, each scan a value pruned keeps its comparison.
    for (Map.Entry<Long, Long> value : moved.entrySet()) {
      long scans = 0;
      for (org.apache.iceberg.expressions.Expression filter : now.filters()) {
        scans += filter != null && filter.toString().contains(Long.toString(value.getValue())) ? 1 : 0;
      }
      int first = after.indexOf(value.getValue());
      if (onAnHoursEdge(value.getKey()) || onAnHoursEdge(value.getValue())
          || occurrences(sql, marker(first)) < scans) {
        return now.sql();
      }
    }
    for (int i = 0; i < count; i++) {
      variable.set(i, !before.get(i).equals(after.get(i)));
    }
    return sql;
  }

  private static final long HOUR_MICROS = 3_600_000_000L;

  private static boolean onAnHoursEdge(long micros) {
    return Math.floorMod(micros, HOUR_MICROS) == 0 || Math.floorMod(micros + 1, HOUR_MICROS) == 0;
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
      count++;
    }
    return count;
  }

  private static final java.util.regex.Pattern COLUMN = java.util.regex.Pattern.compile("\\bc(\\d+)\\b");

  // The SQL with PlanSql's column names (c<attribute id>) numbered in order of first appearance.
  private static String renumbered(String sql) {
    Map<String, Integer> numbers = new HashMap<>();
    java.util.regex.Matcher matcher = COLUMN.matcher(sql);
    StringBuilder text = new StringBuilder();
    while (matcher.find()) {
      int number = numbers.computeIfAbsent(matcher.group(1), ignored -> numbers.size());
      matcher.appendReplacement(text, "c" + number);
    }
    matcher.appendTail(text);
    return text.toString();
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
    List<Long> values = values(engine, query);
    for (int i = 0; i < values.size(); i++) {
      if (!entry.variable().get(i) && !values.get(i).equals(entry.values().get(i))) {
        return Optional.of("the timestamp " + query.parameters().get(i).text() + " is not a parameter of it");
      }
      for (int j = 0; j < i; j++) {
        // Parameters that had one value share their places in the SQL and the filters: they must still.
        if (entry.values().get(i).equals(entry.values().get(j)) != values.get(i).equals(values.get(j))) {
          return Optional.of("its timestamps " + query.parameters().get(j).text() + " and "
              + query.parameters().get(i).text() + " were one value");
        }
      }
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

  /**
   * {@link #files}, kept by table, snapshot and filter: a snapshot never changes, so neither do the files a
   * filter chooses from it. A table that a run does not write (a hub with no new key) is read again at the
   * same snapshot by the next run, and a table several models read (a vault's staging) by each of them.
   */
  private List<FileScanTask> plannedFiles(Table table, String branch, PlanSql.Reading reading) {
    Snapshot snapshot = branch == null ? table.currentSnapshot() : table.snapshot(branch);
    if (snapshot == null) {
      return List.of();
    }
    String key = filesKey(table, snapshot, reading);
    List<FileScanTask> files;
    synchronized (filesByFilter) {
      files = filesByFilter.get(key);
    }
    if (files == null) {
      files = appendedSincePlanned(table, snapshot, reading)
          .orElseGet(() -> List.copyOf(files(table, snapshot, reading)));
      synchronized (filesByFilter) {
        filesByFilter.put(key, files);
      }
    }
    return files;
  }

  private static String filesKey(Table table, Snapshot snapshot, PlanSql.Reading reading) {
    return table.uuid() + "@" + snapshot.snapshotId() + " " + reading.caseSensitive() + " " + reading.filter();
  }

  /**
   * The files of {@code snapshot} when it only appended (one or more append snapshots in a row) to a snapshot
   * whose files this filter chose before: those files and the appended ones the filter chooses, read from
   * the manifests the appends wrote alone. A table a run appends to (a satellite, a link) otherwise has
   * every manifest of its history read again in every run. An append adds no delete file, and a delete
   * file written earlier applies to none of the files it adds, so their tasks carry none.
   */
  private Optional<List<FileScanTask>> appendedSincePlanned(Table table, Snapshot snapshot, PlanSql.Reading reading) {
    Snapshot appended = snapshot;
    for (int step = 0; step < MAX_APPENDS_PLANNED_ON && DataOperations.APPEND.equals(appended.operation())
        && appended.parentId() != null; step++) {
      Snapshot parent = table.snapshot(appended.parentId());
      if (parent == null) {
        return Optional.empty(); // expired
      }
      List<FileScanTask> earlier;
      synchronized (filesByFilter) {
        earlier = filesByFilter.get(filesKey(table, parent, reading));
      }
      if (earlier != null) {
        List<FileScanTask> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newIncrementalAppendScan()
            .fromSnapshotExclusive(parent.snapshotId()).toSnapshot(snapshot.snapshotId())
            .filter(reading.filter()).caseSensitive(reading.caseSensitive()).planFiles()) {
          tasks.forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot list the files appended to " + table.name(), e);
        }
        files.addAll(earlier);
        return Optional.of(List.copyOf(files));
      }
      appended = parent;
    }
    return Optional.empty();
  }

  // The files a filter chooses from a snapshot, as Spark's scan chose them.
  private static List<FileScanTask> files(Table table, Snapshot snapshot, PlanSql.Reading reading) {
    List<FileScanTask> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId())
        .filter(reading.filter()).caseSensitive(reading.caseSensitive()).planFiles()) {
      tasks.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the files of " + table.name(), e);
    }
    return files;
  }

  // Whether choosing the scan's files again, in the snapshot Spark read, gives Spark's own files. They are kept
  // (plannedFiles), so that the next run, after appends, chooses only the appended ones.
  private Optional<String> sameFiles(PlanSql.Scan scan) {
    if (scan.reading() == null) {
      return Optional.of("a scan of " + scan.table().name() + " not chosen by a filter");
    }
    Set<String> spark = new HashSet<>();
    scan.tasks().forEach(task -> spark.add(describe(task)));
    Set<String> again = new HashSet<>();
    plannedFiles(scan.table(), scan.reading().branch(), scan.reading()).forEach(task -> again.add(describe(task)));
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
