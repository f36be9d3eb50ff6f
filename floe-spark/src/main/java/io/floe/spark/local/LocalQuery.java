package io.floe.spark.local;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A query given as SQL whose Spark {@link Dataset} is made only when asked for: a {@link LocalExecutor}
 * that compiled the same query before runs it again without Spark's parsing, analysis and
 * optimization, which cost a model of the e-commerce example about a second of CPU in every run.
 *
 * <p>Its {@link #key} is the SQL with the run's id generalized: a table written earlier in the same run is
 * read at {@code branch_floe_run_<run id>}, a view at {@code <name>__floe_run_<run id>}, and the key says
 * {@code floe_run_*} for both, so the same model in the next run has the same key. {@link #specific}
 * puts this query's run id back into a name so generalized.
 *
 * <p>The key also generalizes the timestamps written to the microsecond, as {@code max_of()} writes an
 * incremental model's watermark ({@code TIMESTAMP '2026-12-05 14:38:35.087510'} becomes {@code TIMESTAMP
 * '?'}): they are the query's {@link #parameters}, in order, so that the same model in the next run, with
 * a later watermark, has the same key. An executor reuses what it compiled for other values of them only
 * where it has seen that they are parameters of its compiled form too.
 */
public final class LocalQuery {
  // A run's id (yyyyMMdd_HHmmss_SSS) after the prefix of its branch, in a branch or a staged view's name.
  private static final Pattern RUN = Pattern.compile("floe_run_(\\d[\\d_]*)(?!\\w)");
  private static final String ANY_RUN = "floe_run_*";
  // A timestamp literal to the microsecond, as max_of() writes one (SqlLiterals).
  private static final Pattern TIMESTAMP = Pattern.compile(
      "(?<![\\w'])(TIMESTAMP(?:_NTZ)?) '(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6})'");

  /**
   * A timestamp literal of the query's SQL that its key generalizes.
   *
   * @param zoned {@code TIMESTAMP} (in the session's time zone) rather than {@code TIMESTAMP_NTZ}
   * @param text its value as written: {@code 2026-12-05 14:38:35.087510}
   */
  public record Parameter(boolean zoned, String text) {}

  // The query of() gives for its own session and SQL on this thread while sharedWhile runs.
  private static final ThreadLocal<LocalQuery> SHARED = new ThreadLocal<>();

  private final SparkSession session;
  private final String sql;
  private final Optional<String> key;
  private final Optional<String> runBranch;
  private final List<Parameter> parameters;
  private final LocalQuery base;
  private final Supplier<Dataset<Row>> analyze;
  private Dataset<Row> rows;

  private LocalQuery(SparkSession session, String sql, Optional<String> key, Optional<String> runBranch,
      List<Parameter> parameters, LocalQuery base, Supplier<Dataset<Row>> analyze) {
    this.session = session;
    this.sql = sql;
    this.key = key;
    this.runBranch = runBranch;
    this.parameters = parameters;
    this.base = base;
    this.analyze = analyze;
  }

  /** The rows of {@code sql}, a SELECT, analyzed by {@code session} when first asked for. */
  public static LocalQuery of(SparkSession session, String sql) {
    LocalQuery shared = SHARED.get();
    if (shared != null && shared.session == session && shared.sql.equals(sql)) {
      return shared;
    }
    Set<String> runs = new LinkedHashSet<>();
    Matcher matcher = RUN.matcher(sql);
    while (matcher.find()) {
      runs.add(matcher.group());
    }
    List<Parameter> parameters = new ArrayList<>();
    Matcher timestamps = TIMESTAMP.matcher(sql);
    while (timestamps.find()) {
      parameters.add(new Parameter(timestamps.group(1).equals("TIMESTAMP"), timestamps.group(2)));
    }
    String key = TIMESTAMP.matcher(generalized(sql)).replaceAll("$1 '?'");
    // Two runs' names in one query (never written by Floe) would share one placeholder: no key.
    return new LocalQuery(session, sql, runs.size() > 1 ? Optional.empty() : Optional.of(key),
        runs.stream().findFirst(), List.copyOf(parameters), null, () -> session.sql(sql));
  }

  /**
   * Runs {@code body} with {@code query} (made by {@link #of}) as what {@link #of} gives on this thread for
   * the same session and SQL: a check of a model's columns and the write after it, which makes its query
   * from the SQL again, analyze it once (a new JVM's Spark took about a second of CPU for each).
   */
  public static <T> T sharedWhile(LocalQuery query, Supplier<T> body) {
    if (query.base != null) {
      throw new IllegalArgumentException("Only a query made by LocalQuery.of can be shared, not a step of one");
    }
    LocalQuery before = SHARED.get();
    SHARED.set(query);
    try {
      return body.get();
    } finally {
      if (before == null) {
        SHARED.remove();
      } else {
        SHARED.set(before);
      }
    }
  }

  /**
   * {@code sql} with each timestamp its key generalizes (its {@link #parameters}) a second and a microsecond
   * earlier: the same query with other values of its parameters, so that a compile of both tells where they go
   * (an odd step, so that a value just off an hour's edge, which a parameter must be, does not land on it).
   */
  public static String withParametersMoved(String sql) {
    java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern(
        "yyyy-MM-dd HH:mm:ss.SSSSSS");
    return TIMESTAMP.matcher(sql).replaceAll(match -> Matcher.quoteReplacement(match.group(1) + " '"
        + java.time.LocalDateTime.parse(match.group(2), format).minusNanos(1_000_001_000L).format(format) + "'"));
  }

  /** Whether {@code sql} has timestamps its key generalizes (see {@link #parameters}). */
  public static boolean hasParameters(String sql) {
    return TIMESTAMP.matcher(sql).find();
  }

  /** {@code text} with every run's id written as {@code *}: {@code branch_floe_run_*}. */
  public static String generalized(String text) {
    return RUN.matcher(text).replaceAll(Matcher.quoteReplacement(ANY_RUN));
  }

  /**
   * {@code generalized} (a name or SQL as {@link #generalized} wrote it) with this query's run in place of
   * {@code floe_run_*}; empty when it names a run and this query reads none.
   */
  public Optional<String> specific(String generalized) {
    if (!generalized.contains(ANY_RUN)) {
      return Optional.of(generalized);
    }
    return runBranch.map(run -> generalized.replace(ANY_RUN, run));
  }

  /**
   * This query's rows after {@code step}, a transformation told apart by {@code stepKey} (which must
   * name everything the step's result depends on, such as the column types it casts to).
   */
  public LocalQuery then(String stepKey, UnaryOperator<Dataset<Row>> step) {
    // The SQL is analyzed once for a query and the steps after it.
    return new LocalQuery(session, sql, key.map(text -> text + "\n-- then " + stepKey), runBranch, parameters,
        base == null ? this : base, () -> step.apply(rows()));
  }

  /** The query as given as SQL, before its {@link #then} steps; empty when this is it. */
  public Optional<LocalQuery> base() {
    return Optional.ofNullable(base);
  }

  /**
   * What tells this query apart from every other over the same tables: its SQL with the run's branch
   * generalized, and its steps; empty when it cannot be told (two runs' branches in it).
   */
  public Optional<String> key() {
    return key;
  }

  /** The run branch ({@code floe_run_<run id>}) whose tables or views the query reads, if it reads one. */
  public Optional<String> runBranch() {
    return runBranch;
  }

  /** The timestamps to the microsecond in the SQL, in order, which the {@link #key} writes as {@code '?'}. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /** The SQL as given. */
  public String sql() {
    return sql;
  }

  /** Whether Spark analyzed the query: whether its {@link #rows} were asked for. */
  public synchronized boolean analyzed() {
    return rows != null;
  }

  /** The query's rows as a Spark Dataset, analyzed now if it was not yet. */
  public synchronized Dataset<Row> rows() {
    if (rows == null) {
      rows = analyze.get();
    }
    return rows;
  }
}
