package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs a query Spark has planned in another engine of this process and writes its rows as Parquet
 * data files of an Iceberg table, for the caller to commit. A plug-in (module {@code floe-duckdb}),
 * found through {@link ServiceLoader}, so that no other module carries its engine on its class path.
 *
 * <p>An implementation takes only queries whose result it reproduces exactly, value for value and
 * type for type, and declines the rest: Spark then runs them.
 */
public interface LocalQueryWriter {
  /**
   * Writes {@code rows} (a query over the engine's tables) as data files of {@code table}, whose
   * columns are the query's, in order; nothing is committed.
   *
   * @param description what the query is, for the log: {@code model NAME}
   * @return the files, or empty when this writer declined the query or could not finish it (it
   *     removed whatever it had written)
   */
  Optional<List<DataFile>> write(FloeEngine engine, Dataset<Row> rows, Table table, String description);

  /** The writer a local engine uses, if one is on the class path and {@code engine.local-sql} allows it. */
  static Optional<LocalQueryWriter> of(FloeEngine engine) {
    if (!engine.project().config().engine().local() || !engine.project().config().engine().localDuckDb()) {
      return Optional.empty();
    }
    return Holder.WRITER;
  }

  /** Found once per JVM. */
  final class Holder {
    private static final Optional<LocalQueryWriter> WRITER =
        ServiceLoader.load(LocalQueryWriter.class, LocalQueryWriter.class.getClassLoader()).findFirst();

    private Holder() {}
  }
}
