package io.floe.spark.local;

import java.util.LinkedHashSet;
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
 */
public final class LocalQuery {
  // A run's id (yyyyMMdd_HHmmss_SSS) after the prefix of its branch, in a branch or a staged view's name.
  private static final Pattern RUN = Pattern.compile("floe_run_(\\d[\\d_]*)(?!\\w)");
  private static final String ANY_RUN = "floe_run_*";

  private final String sql;
  private final Optional<String> key;
  private final Optional<String> runBranch;
  private final Supplier<Dataset<Row>> analyze;
  private Dataset<Row> rows;

  private LocalQuery(String sql, Optional<String> key, Optional<String> runBranch, Supplier<Dataset<Row>> analyze) {
    this.sql = sql;
    this.key = key;
    this.runBranch = runBranch;
    this.analyze = analyze;
  }

  /** The rows of {@code sql}, a SELECT, analyzed by {@code session} when first asked for. */
  public static LocalQuery of(SparkSession session, String sql) {
    Set<String> runs = new LinkedHashSet<>();
    Matcher matcher = RUN.matcher(sql);
    while (matcher.find()) {
      runs.add(matcher.group());
    }
    // Two runs' names in one query (never written by Floe) would share one placeholder: no key.
    return new LocalQuery(sql, runs.size() > 1 ? Optional.empty() : Optional.of(generalized(sql)),
        runs.stream().findFirst(), () -> session.sql(sql));
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
    return new LocalQuery(sql, key.map(text -> text + "\n-- then " + stepKey), runBranch,
        () -> step.apply(rows()));
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
