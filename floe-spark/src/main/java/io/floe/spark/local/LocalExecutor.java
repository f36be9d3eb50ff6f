package io.floe.spark.local;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Another engine in this process that executes queries Spark has planned: on one machine it runs
 * them without Spark's per-JVM cost of compiling its generated code. A plug-in (module
 * {@code floe-duckdb}), found through {@link ServiceLoader}, so that no other module carries its
 * engine on its class path.
 *
 * <p>An implementation takes only queries whose result it reproduces exactly, value for value and
 * type for type, and declines the rest: Spark then runs them.
 */
public interface LocalExecutor {
  /**
   * The option of a Parquet read of a merge's {@link MergeFiles#written} files: their columns are
   * the table's, so an executor may read them as Spark does.
   */
  String WRITTEN_FILES_OPTION = "floe.written-files";

  /**
   * Writes {@code rows} (a query over the engine's tables) as data files of {@code table}, whose
   * columns are the query's, in order; nothing is committed.
   *
   * @param description what the query is, for the log: {@code table NAME}
   * @return the files, or empty when this executor declined the query or could not finish it (it
   *     removed whatever it had written)
   */
  Optional<List<DataFile>> write(FloeEngine engine, Dataset<Row> rows, Table table, String description);

  /**
   * The first {@code maxRows + 1} rows of {@code rows}, each value the Java type Spark's {@code
   * collect} gives with the Java 8 time API (Long, BigDecimal, Instant, LocalDate ...).
   *
   * @return the rows, or empty when this executor declined the query or could not finish it
   */
  Optional<List<List<Object>>> collect(FloeEngine engine, Dataset<Row> rows, int maxRows, String description);

  /**
   * The columns of {@code query}'s rows when this executor compiled the same query before and can run
   * it again as it is now, so that Spark need not analyze it to tell them; empty otherwise (nothing is
   * analyzed).
   */
  default Optional<org.apache.spark.sql.types.StructType> knownSchema(FloeEngine engine, LocalQuery query) {
    return Optional.empty();
  }

  /**
   * The columns of {@code query}'s rows: told by the process's local executor when it compiled the query
   * before and it still holds, so that Spark does not analyze it; otherwise Spark's analysis, its errors
   * said as those of {@code action}.
   */
  static org.apache.spark.sql.types.StructType schema(FloeEngine engine, LocalQuery query, String action) {
    return of(engine).flatMap(executor -> executor.knownSchema(engine, query))
        .orElseGet(() -> io.floe.spark.sql.SparkErrors.translate(action, () -> query.rows()).schema());
  }

  /**
   * {@link #write(FloeEngine, Dataset, Table, String)} of a query given as SQL, which an executor that
   * compiled it before runs without Spark analyzing it.
   */
  default Optional<List<DataFile>> write(FloeEngine engine, LocalQuery query, Table table, String description) {
    return write(engine, query.rows(), table, description);
  }

  /**
   * {@link #collect(FloeEngine, Dataset, int, String)} of a query given as SQL, which an executor that
   * compiled it before runs without Spark analyzing it.
   */
  default Optional<List<List<Object>>> collect(FloeEngine engine, LocalQuery query, int maxRows, String description) {
    return collect(engine, query.rows(), maxRows, description);
  }

  /**
   * A MERGE by key of {@code rows} into {@code table} at snapshot {@code snapshotId}: rows identical
   * to the table's are left out; the others update the row with the same key or are inserted, and a
   * row whose {@code deleteFlag} column is true deletes its key instead. On a copy-on-write table
   * each file holding a row that changes is written again without it; on a merge-on-read table those
   * rows get position deletes. Nothing is committed.
   *
   * @param rows the new rows, the table's columns in its order and then the boolean {@code deleteFlag}
   * @return the files to replace and to add, or empty when this executor declined (Spark merges)
   */
  default Optional<MergeFiles> merge(FloeEngine engine, Dataset<Row> rows, Table table, long snapshotId,
      List<String> keys, String deleteFlag, String description) {
    return Optional.empty();
  }

  /**
   * {@link #merge(FloeEngine, Dataset, Table, long, List, String, String)} of a query given as SQL, which an
   * executor that compiled it before runs without Spark analyzing it.
   */
  default Optional<MergeFiles> merge(FloeEngine engine, LocalQuery rows, Table table, long snapshotId,
      List<String> keys, String deleteFlag, String description) {
    return merge(engine, rows.rows(), table, snapshotId, keys, deleteFlag, description);
  }

  /**
   * The rows of {@code tasks}, whole data files of {@code table} without deletes, written again as
   * files of up to {@code targetFileSizeBytes} for a compaction; nothing is committed.
   *
   * @param description what the rewrite is, for the log: {@code compact NAME}
   * @return the new files, or empty when this executor declined (Spark compacts)
   */
  default Optional<List<DataFile>> rewrite(FloeEngine engine, Table table, List<FileScanTask> tasks,
      long targetFileSizeBytes, String description) {
    return Optional.empty();
  }

  /**
   * What a {@link #merge} wrote.
   *
   * @param met the table's files holding changed or deleted rows: replaced by {@code kept} on a
   *     copy-on-write table, where {@code deletes} point on a merge-on-read one
   * @param kept the files rewritten from them, holding their other rows (copy-on-write)
   * @param written the files of new and updated rows
   * @param deletes position deletes of the changed and deleted rows (merge-on-read)
   */
  record MergeFiles(List<DataFile> met, List<DataFile> kept, List<DataFile> written, List<DeleteFile> deletes) {
    public MergeFiles {
      met = List.copyOf(met);
      kept = List.copyOf(kept);
      written = List.copyOf(written);
      deletes = List.copyOf(deletes);
    }

    /** True when the merge changes nothing: every new row is identical to the table's. */
    public boolean nothing() {
      return met.isEmpty() && written.isEmpty();
    }
  }

  /**
   * Loads what this executor's first query would otherwise wait for (a native library, a database).
   * Called once per JVM, on a thread of its own, while Spark starts; a failure here is left for the
   * first query to report.
   */
  default void prepare() {}

  /**
   * Stops the queries this executor runs for threads that carry Spark job tag {@code jobTag} (a run's tag, see
   * {@code SparkContext.addJobTag}), as {@code cancelJobsWithTag} stops Spark's: a running query is interrupted and
   * the next ones of the tag are refused, each failing with a {@code CANCELLED} error instead of falling back to
   * Spark.
   */
  default void cancel(String jobTag) {}

  /** {@link #cancel} on the process's executor, if one is on the class path. */
  static void cancelAll(String jobTag) {
    Holder.EXECUTOR.ifPresent(executor -> executor.cancel(jobTag));
  }

  /** The executor a local engine uses, if one is on the class path and {@code engine.local-sql} allows it. */
  static Optional<LocalExecutor> of(FloeEngine engine) {
    return uses(engine.project()) ? Holder.EXECUTOR : Optional.empty();
  }

  /**
   * Starts {@link #prepare} of the executor a local engine of {@code project} would use, once per JVM,
   * on a daemon thread: in a new JVM, DuckDB's library and database (about 0.6 s) load beside Spark's
   * start instead of before the build's first query.
   */
  static void prepareInBackground(Project project) {
    if (uses(project) && Holder.PREPARING.compareAndSet(false, true)) {
      Thread thread = new Thread(() -> Holder.EXECUTOR.ifPresent(LocalExecutor::prepare), "floe-local-executor-prepare");
      thread.setDaemon(true);
      thread.start();
    }
  }

  private static boolean uses(Project project) {
    return project.config().engine().local() && project.config().engine().localDuckDb();
  }

  /** Found once per JVM. */
  final class Holder {
    private static final Optional<LocalExecutor> EXECUTOR =
        ServiceLoader.load(LocalExecutor.class, LocalExecutor.class.getClassLoader()).findFirst();
    private static final AtomicBoolean PREPARING = new AtomicBoolean();

    private Holder() {}
  }
}
