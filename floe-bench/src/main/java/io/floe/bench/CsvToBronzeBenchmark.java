package io.floe.bench;

import io.floe.examples.ecommerce.GeneratedData;
import io.floe.ingest.SourceRun;
import io.floe.spark.FloeEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark 1, CSV to bronze: the four e-commerce CSV files into Parquet (DuckDB) or Iceberg tables
 * (plain Spark, Floe), each tool from the same files. Unless the run is quick, one untimed warm-up of
 * each tool on the smallest file comes first, so that no tool pays the JVM's or Spark's first-use
 * costs in its figure.
 */
final class CsvToBronzeBenchmark {
  static final String ID = "csv_to_bronze";
  private static final String NAMESPACE = "bronze";

  private final Runs runs;
  private final GeneratedData data;
  private final Path workDir;
  private final PlainSpark spark;
  private final FloeEngine floe;
  private final boolean warmUp;

  CsvToBronzeBenchmark(Runs runs, GeneratedData data, Path workDir, PlainSpark spark, FloeEngine floe,
      boolean warmUp) {
    this.warmUp = warmUp;
    this.runs = runs;
    this.data = data;
    this.workDir = workDir;
    this.spark = spark;
    this.floe = floe;
  }

  List<Figure> run() throws Exception {
    DuckDbCsvToParquet duckdb = new DuckDbCsvToParquet(workDir.resolve("duckdb-out"));
    if (warmUp) {
      warmUp(duckdb);
    }
    List<Figure> figures = new ArrayList<>();
    figures.add(runs.measure(ID, "duckdb", "DuckDB COPY (SELECT * FROM read_csv(..)) TO parquet",
        duckdb::clean, () -> duckdb.convert(data.files()), () -> duckdb.check(data.files())));
    figures.add(runs.measure(ID, "spark", "Spark read.csv(header).writeTo(iceberg).createOrReplace()",
        () -> spark.dropTables(NAMESPACE, data.files()), () -> spark.csvToIceberg(NAMESPACE, data.files()),
        () -> spark.checkRows(NAMESPACE, data.files())));
    List<List<SourceRun>> floeRuns = new ArrayList<>();
    figures.add(runs.measure(ID, "floe", "Floe ingest: csv sources into bronze Iceberg tables",
        () -> FloeIngestBenchmark.dropBronzeTables(floe), () -> floeRuns.add(FloeIngestBenchmark.ingest(floe)),
        () -> FloeIngestBenchmark.checkRows(floe, "Floe's bronze tables", floeRuns.get(floeRuns.size() - 1),
            data.totalRows())));
    return figures;
  }

  private void warmUp(DuckDbCsvToParquet duckdb) throws Exception {
    var smallest = List.of(data.files().get(data.files().size() - 1));
    duckdb.clean();
    duckdb.convert(smallest);
    spark.dropTables(NAMESPACE, smallest);
    spark.csvToIceberg(NAMESPACE, smallest);
    FloeIngestBenchmark.dropBronzeTables(floe);
    FloeIngestBenchmark.ingest(floe, smallest.get(0).table());
  }
}
