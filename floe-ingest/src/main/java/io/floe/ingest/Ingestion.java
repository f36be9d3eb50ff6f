package io.floe.ingest;

import io.floe.core.error.FloeException;
import io.floe.ingest.bronze.BatchResult;
import io.floe.ingest.bronze.BronzeWriter;
import io.floe.ingest.bronze.SourceState;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.BatchStream;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.QueryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sources into their bronze tables: resumes each from the position its table holds, plans
 * the batches after it and commits them one by one. A run that stops (an error, a kill) keeps every
 * batch committed before; the next run starts after the last of them.
 */
public final class Ingestion {
  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  /** Hears about each committed batch, e.g. to print progress. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param done batches committed so far in this run, including this one
     * @param total batches this run plans, or -1 for a stream that cannot tell
     * @param bytesDone input bytes read so far in this run
     */
    void batchCommitted(SourceDefinition source, Batch batch, BatchResult result, int done, int total,
        long bytesDone, long bytesTotal, Duration elapsed);
  }

  private static final int MAX_LOOKUP_ROWS = 1_000_000;

  private final FloeEngine engine;
  private final ProjectSources sources;
  private final BronzeWriter writer;

  public Ingestion(FloeEngine engine, ProjectSources sources) {
    this.engine = engine;
    this.sources = sources;
    this.writer = new BronzeWriter(engine);
  }

  public FloeEngine engine() {
    return engine;
  }

  /** The source's committed state, read from its table. */
  public SourceState state(SourceDefinition definition) {
    return writer.state(definition);
  }

  /**
   * Whether the source has data after the position its table committed, asked without loading it;
   * true too when the source cannot tell without reading (a stream).
   */
  public boolean hasNewData(SourceDefinition definition) {
    Position committed = state(definition).position();
    try (Source source = sources.create(definition)) {
      return source.hasNewData(committed).orElse(true);
    }
  }

  /** The source's position in words, e.g. {@code 12 files}. */
  public String describe(SourceDefinition definition, Position position) {
    return position.isStart() ? "not loaded" : sources.create(definition).describe(position);
  }

  /**
   * Loads what is new in the source.
   *
   * @throws io.floe.core.error.FloeException when a batch fails; the batches before it stay committed
   */
  public SourceRun run(SourceDefinition definition, Progress progress) {
    return run(definition, progress, ReadOptions.CATCH_UP);
  }

  /**
   * Loads what is new in the source, reading as {@code options} say: with {@code follow}, a stream
   * source keeps committing batches until a stop is requested.
   */
  public SourceRun run(SourceDefinition definition, Progress progress, ReadOptions options) {
    long start = System.nanoTime();
    Totals totals = new Totals();
    writer.recover(definition);
    for (int plan = 1; ; plan++) {
      try (Source source = sources.create(definition)) {
        return load(definition, source, progress, options, start, totals);
      } catch (FloeException e) {
        if (e.category() != io.floe.core.error.ErrorCategory.CONFLICT || plan == PLANS) {
          throw e;
        }
        // Another run (another project on this catalog) committed the source after this run planned its
        // batches: nothing of the refused batch was committed, and the table's new position is where to go on.
        LOG.info("Source {}: another run committed it while this run loaded it; planning again from the position "
            + "it committed ({})", definition.name(), e.getMessage());
      }
    }
  }

  // Batches planned again after another run's commit refused one, before the conflict is the run's error.
  private static final int PLANS = 5;

  /** What a run of a source did, over its plans. */
  private static final class Totals {
    long read;
    long written;
    long rejects;
    long bytes;
    int done;
    final List<String> changes = new ArrayList<>();
  }

  // Loads the batches after the position the table holds now, adding what they did to totals.
  private SourceRun load(SourceDefinition definition, Source source, Progress progress, ReadOptions options,
      long start, Totals totals) {
    Position committed = writer.state(definition).position();
    if (!committed.isStart()) {
      // A run killed between a commit and its acknowledgement: the table holds it, say so first.
      source.committed(committed);
    }
    try (BatchStream batches = source.open(committed, options.withWarehouse(this::warehouseRows))) {
      int planned = batches.plannedBatches();
      int total = planned < 0 ? planned : totals.done + planned;
      long bytesTotal = totals.bytes + batches.plannedBytes();
      LOG.info("Source {}: {} batches to load ({} MB)", definition.name(), planned < 0 ? "streamed" : planned,
          batches.plannedBytes() / 1_000_000);
      Position position = committed;
      for (Optional<Batch> next = batches.next(); next.isPresent(); next = batches.next()) {
        Batch batch = next.get();
        BatchResult result = writer.write(definition, batch, position, totals.rejects, totals.read);
        position = result.after();
        source.committed(position);
        totals.done++;
        totals.read += result.rowsRead();
        totals.written += result.rowsWritten();
        totals.rejects += result.rejects();
        totals.bytes += batch.bytes();
        totals.changes.addAll(result.schemaChanges());
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        LOG.debug("Source {}: committed batch {} ({} rows, {} rejects)", definition.name(), batch.id(),
            result.rowsWritten(), result.rejects());
        progress.batchCommitted(definition, batch, result, totals.done, total, totals.bytes, bytesTotal, elapsed);
      }
      return new SourceRun(definition.name(), definition.target(), totals.done, totals.read, totals.written,
          totals.rejects, totals.bytes, Duration.ofNanos(System.nanoTime() - start), totals.changes,
          describe(definition, position));
    }
  }

  // A source's lookup of loaded data (e.g. the plants an API is called for): small, so collected whole.
  private List<Map<String, Object>> warehouseRows(String sql) {
    QueryResult result = engine.sql(sql, MAX_LOOKUP_ROWS);
    if (result.truncated()) {
      throw FloeException.user("A source's lookup returned more than %,d rows: %s. Narrow the query.",
          MAX_LOOKUP_ROWS, sql);
    }
    List<Map<String, Object>> rows = new ArrayList<>(result.rows().size());
    for (List<Object> values : result.rows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 0; i < result.columns().size(); i++) {
        row.put(result.columns().get(i), values.get(i));
      }
      rows.add(row);
    }
    return rows;
  }
}
