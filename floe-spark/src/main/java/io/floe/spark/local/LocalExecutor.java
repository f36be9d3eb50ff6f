package io.floe.spark.local;

import io.floe.spark.FloeEngine;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.iceberg.DataFile;
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

  /** The executor a local engine uses, if one is on the class path and {@code engine.local-sql} allows it. */
  static Optional<LocalExecutor> of(FloeEngine engine) {
    if (!engine.project().config().engine().local() || !engine.project().config().engine().localDuckDb()) {
      return Optional.empty();
    }
    return Holder.EXECUTOR;
  }

  /** Found once per JVM. */
  final class Holder {
    private static final Optional<LocalExecutor> EXECUTOR =
        ServiceLoader.load(LocalExecutor.class, LocalExecutor.class.getClassLoader()).findFirst();

    private Holder() {}
  }
}
