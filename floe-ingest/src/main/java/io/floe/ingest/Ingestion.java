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
    try (Source source = sources.create(definition)) {
      writer.recover(definition);
      Position committed = writer.state(definition).position();
      if (!committed.isStart()) {
        // A run killed between a commit and its acknowledgement: the table holds it, say so first.
        source.committed(committed);
      }
      try (BatchStream batches = source.open(committed, options.withWarehouse(this::warehouseRows))) {
        int total = batches.plannedBatches();
        long bytesTotal = batches.plannedBytes();
        LOG.info("Source {}: {} batches to load ({} MB)", definition.name(), total < 0 ? "streamed" : total,
            bytesTotal / 1_000_000);
        long read = 0;
        long written = 0;
        long rejects = 0;
        long bytes = 0;
        List<String> changes = new ArrayList<>();
        int done = 0;
        Position position = committed;
        for (Optional<Batch> next = batches.next(); next.isPresent(); next = batches.next()) {
          Batch batch = next.get();
          BatchResult result = writer.write(definition, batch, position, rejects, read);
          position = result.after();
          source.committed(position);
          done++;
          read += result.rowsRead();
          written += result.rowsWritten();
          rejects += result.rejects();
          bytes += batch.bytes();
          changes.addAll(result.schemaChanges());
          Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
          LOG.debug("Source {}: committed batch {} ({} rows, {} rejects)", definition.name(), batch.id(),
              result.rowsWritten(), result.rejects());
          progress.batchCommitted(definition, batch, result, done, total, bytes, bytesTotal, elapsed);
        }
        return new SourceRun(definition.name(), definition.target(), done, read, written, rejects, bytes,
            Duration.ofNanos(System.nanoTime() - start), changes, describe(definition, position));
      }
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
