package io.floe.bench;

import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.ecommerce.GeneratedData;
import io.floe.examples.meter.MeterCounts;
import io.floe.spark.FloeEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bench run: generates the data under {@code out/work}, measures every benchmark in one JVM on
 * the same files, deletes the scratch data and returns the report. Floe's engine starts the JVM's
 * Spark context, so plain Spark runs on the same context with the same cores and memory.
 */
final class BenchRun {
  static final String ECOMMERCE_BUILD = "ecommerce_build";
  static final String INCREMENTAL_RERUN = "incremental_rerun";
  static final String NOTHING_NEW_RERUN = "nothing_new_rerun";
  private static final Logger LOG = LoggerFactory.getLogger(BenchRun.class);

  private BenchRun() {}

  static BenchReport run(BenchOptions options) throws Exception {
    Instant started = Instant.now();
    long start = System.nanoTime();
    MachineDescription machine = MachineDescription.current();
    double referenceAtStart = ReferenceWork.measure();
    Path work = options.workDir();
    BenchFiles.deleteRecursively(work);
    Files.createDirectories(work);
    Runs runs = new Runs(options.runs());
    Path floeProject = work.resolve("floe-csv");
    GeneratedData csv = EcommerceDataGenerator.generate(floeProject.resolve("landing"), options.csvRows(),
        options.seed());
    LOG.info("Generated {} CSV rows ({} MB)", csv.totalRows(), csv.totalBytes() / 1_000_000);
    List<Figure> figures = new ArrayList<>();
    MeterCounts meter = null;
    try (FloeEngine floe = FloeEngine.open(FloeIngestBenchmark.csvProject(floeProject, csv.files()))) {
      PlainSpark spark = PlainSpark.open(work.resolve("spark-warehouse"));
      if (options.runs("csv_to_bronze")) {
        figures.addAll(new CsvToBronzeBenchmark(runs, csv, work, spark, floe, !options.quick()).run());
      }
      if (options.runs("postgres_to_bronze")) {
        try (PostgresToBronzeBenchmark postgres =
            PostgresToBronzeBenchmark.start(runs, work, options.readings(), options.seed())) {
          meter = postgres.counts();
          figures.addAll(postgres.run());
        }
      }
      if (options.runs(ECOMMERCE_BUILD)) {
        figures.addAll(new EcommerceBuildBenchmark(runs, csv, work, spark, options.seed(), options.quick()).run());
      }
      if (options.runs(EcommerceS3Benchmark.ID)) {
        figures.addAll(options.quick() ? EcommerceS3Benchmark.notRun()
            : new EcommerceS3Benchmark(runs, csv, work).run());
      }
      if (options.runs("merge_10pct")) {
        figures.addAll(new SparkMergeBenchmark(runs, spark, floe, csv.largest()).run());
      }
      if (options.runs(MeterVaultBenchmark.INITIAL)) {
        // The scale: 1,000,000 readings of 100,000 assets, customers and accounts.
        figures.addAll(new MeterVaultBenchmark(runs, work, options.readings(), Math.max(5, options.readings() / 10),
            options.seed()).run());
      }
      if (options.runs(CdcBenchmark.ID)) {
        // Half as many changes as readings: 500,000 at the default scale.
        // The latency workload: 1,000 changes/s for a minute (CI's quick run: 3 s); the one big transaction
        // holds as many rows as readings (the 1,000,000 at the default scale).
        figures.addAll(new CdcBenchmark(options.runs(), work, Math.max(1_000, options.readings() / 2),
            options.seed(), options.quick() ? 3 : 60, options.readings()).run());
      }
      if (options.runs(CdcBenchmark.FOLLOW_HOUR)) {
        figures.addAll(new CdcBenchmark(1, work, 1_000, options.seed(), 60, options.readings())
            .followWithMaintenance(options.followMinutes()));
      }
      if (options.runs(AuditBenchmark.INITIAL)) {
        // As many events as readings: the 1,000,000 at the default scale.
        figures.addAll(new AuditBenchmark(runs, work, options.readings(), options.seed()).run());
      }
      if (options.runs(HttpApiBenchmark.ID)) {
        // As many records as readings: 1,000,000 at the default scale, 1,000 a page.
        figures.addAll(new HttpApiBenchmark(runs, work, options.readings()).run());
      }
      if (options.runs(MaintenanceBenchmark.MAINTAIN)) {
        figures.addAll(new MaintenanceBenchmark(runs, floe, MaintenanceBenchmark.commits(options.csvRows())).run());
      }
      if (options.runs(ServeBenchmark.ID)) {
        // The scale: the pages are measured on 500 models and 1,000 runs (CI's quick run: 50 and 100).
        figures.addAll(new ServeBenchmark(runs, work, options.quick() ? 50 : 500, options.quick() ? 100 : 1_000)
            .run());
      }
    }
    BenchFiles.deleteRecursively(work);
    ReferenceWork reference = new ReferenceWork(referenceAtStart, ReferenceWork.measure());
    return new BenchReport(started, (System.nanoTime() - start) / 1e9, machine, reference, options, csv, meter,
        Ratios.compute(figures));
  }
}
