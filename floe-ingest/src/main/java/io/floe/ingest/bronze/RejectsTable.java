package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.col;

import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.RunLeftovers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * {@code <table>__rejects}: one row per rejected record with the file, line, raw record and reason.
 * A batch's rejects are committed once per batch id, so a run replayed after a crash does not list a
 * reject twice; rejects of a batch whose rows never committed are removed before the source loads
 * again ({@link #removeOrphans}).
 */
final class RejectsTable {
  private static final Logger LOG = LoggerFactory.getLogger(RejectsTable.class);
  static final StructType SCHEMA = StructType.fromDDL(
      "_source STRING, _batch_id STRING, _ingested_at TIMESTAMP, file STRING, line BIGINT, raw STRING, reason STRING");

  private RejectsTable() {}

  /** The first rejects, as {@code file:line: reason}, for messages. */
  static List<String> write(FloeEngine engine, SourceDefinition definition, Batch batch, Instant now,
      Dataset<Row> rejected, String encoding) {
    String batchId = batch.id();
    List<Row> collected = rejected.select(col(ParsedBatch.FILE), col(ParsedBatch.RAW), col(ParsedBatch.REASON))
        .collectAsList();
    List<String[]> located = new ArrayList<>();
    collected.forEach(row -> located.add(new String[] {row.getString(0), row.getString(1)}));
    // A row source's rejects say where they are in words (an event id), not as a file to search.
    boolean fromFiles = batch.input() instanceof io.floe.ingest.spi.FileInput;
    Long[] lines = fromFiles ? RejectLines.locate(located, encoding) : new Long[collected.size()];
    List<Row> rows = new ArrayList<>();
    List<String> firsts = new ArrayList<>();
    for (int i = 0; i < collected.size(); i++) {
      Row row = collected.get(i);
      String file = relative(definition.projectRoot(), row.getString(0));
      rows.add(RowFactory.create(definition.name(), batchId, now, file, lines[i], row.getString(1), row.getString(2)));
      if (firsts.size() < 3) {
        firsts.add((file == null ? "" : file + (lines[i] == null ? "" : ":" + lines[i]) + ": ") + row.getString(2));
      }
    }
    String table = definition.rejectsTable();
    String writerId = BronzeCommit.writerId(engine);
    SparkWork.run("create " + table, () ->
        engine.session().sql("CREATE TABLE IF NOT EXISTS " + table + " (" + SCHEMA.toDDL() + ") USING iceberg"
            + " TBLPROPERTIES ('" + RunLeftovers.WRITER_PROPERTY + "' = '" + writerId + "')"));
    // Once per batch id: a replay after a kill between these rejects and the batch's rows finds them
    // (the commit's summary names the batch, and the project that wrote it) and writes nothing.
    Map<String, String> summary = Map.of(SourceState.batchIdKey(definition.name()), batchId,
        RunLeftovers.WRITER_PROPERTY, writerId);
    BronzeCommit.writeRejectsOnce(engine.table(table), table, writerId, definition, batch, identifier ->
        SparkWork.run("write rejected rows to " + table, () -> CommitMetadata.withCommitProperties(summary, () -> {
          engine.session().createDataFrame(rows, SCHEMA).writeTo(identifier).append();
          return null;
        }, Exception.class)));
    return firsts;
  }

  /**
   * Removes the rejects of batches whose rows never reached the target's main: a run killed between
   * a batch's rejects and its rows that is then replanned (say, with more files) under another batch
   * id would otherwise list those rejects twice. Also drops batch branches a killed run left.
   */
  static void removeOrphans(FloeEngine engine, SourceDefinition definition, Table target, String writerId) {
    String name = definition.rejectsTable();
    if (!engine.icebergCatalog().tableExists(TableIdentifier.parse(name))) {
      return;
    }
    Table rejects = engine.table(name);
    BronzeCommit.removeStaleBranches(rejects, writerId);
    String batchKey = SourceState.batchIdKey(definition.name());
    String removedKey = SourceState.rejectsRemovedKey(definition.name());
    Set<String> orphans = new TreeSet<>();
    Set<String> removed = new TreeSet<>();
    java.time.Instant now = java.time.Instant.now();
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(rejects)) {
      // Rejects another project's live run wrote before its rows commit are its own to keep or remove.
      Optional.ofNullable(snapshot.summary().get(batchKey))
          .filter(batch -> RunLeftovers.isRemovable(snapshot.summary().get(RunLeftovers.WRITER_PROPERTY),
              snapshot.timestampMillis(), writerId, now))
          .ifPresent(orphans::add);
      Optional.ofNullable(snapshot.summary().get(removedKey)).ifPresent(ids -> removed.addAll(List.of(ids.split(","))));
    }
    orphans.removeAll(removed);
    if (orphans.isEmpty()) {
      return;
    }
    if (target != null) {
      for (Snapshot snapshot : SnapshotUtil.currentAncestors(target)) {
        Optional.ofNullable(snapshot.summary().get(batchKey)).ifPresent(orphans::remove);
      }
    }
    if (orphans.isEmpty()) {
      return;
    }
    String ids = orphans.stream().map(id -> "'" + id.replace("'", "''") + "'").collect(Collectors.joining(", "));
    SparkWork.run("remove rejects of batches never committed from " + name,
        () -> CommitMetadata.withCommitProperties(Map.of(removedKey, String.join(",", orphans)), () -> {
          engine.session().sql("DELETE FROM " + name + " WHERE _source = '" + definition.name().replace("'", "''")
              + "' AND _batch_id IN (" + ids + ")");
          return null;
        }, Exception.class));
    LOG.info("Removed the rejects of {} batches of source {} that were never committed", orphans.size(),
        definition.name());
  }

  static String relative(Path projectRoot, String fileUri) {
    if (fileUri == null || !fileUri.startsWith("file:")) {
      // Null, or a row source's place in words (an event id), which is not a file.
      return fileUri;
    }
    Path file = Path.of(URI.create(fileUri));
    return file.startsWith(projectRoot) ? projectRoot.relativize(file).toString() : file.toString();
  }
}
