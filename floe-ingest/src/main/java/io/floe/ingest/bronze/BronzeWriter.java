package io.floe.ingest.bronze;

import static org.apache.spark.sql.functions.*;

import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.FileFormat;
import io.floe.ingest.spi.FileInput;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.QueryInput;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import io.floe.spark.FloeEngine;
import io.floe.spark.table.RunLeftovers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Writes batches into bronze tables, exactly once: a batch's rows and the source's position after
 * it go into one Iceberg snapshot (the position in the snapshot summary), so a table holds a batch
 * and remembers it, or neither. Rows that cannot be read go to {@code <table>__rejects}.
 */
public final class BronzeWriter {
  private static final String ORDER_FILE = "_floe_order_file";
  private static final String ORDER_ROW = "_floe_order_row";
  private final FloeEngine engine;
  private final MetadataColumns metadata;
  private final BatchReader reader;

  public BronzeWriter(FloeEngine engine) {
    this.engine = engine;
    this.metadata = MetadataColumns.of(engine.project());
    this.reader = new BatchReader(engine.session());
  }

  /** The names of the columns Floe adds to each row, as the project says. */
  MetadataColumns metadata() {
    return metadata;
  }

  /** The source's committed state in its table; {@link SourceState#NEVER_RUN} when the table does not exist. */
  public SourceState state(SourceDefinition definition) {
    return exists(definition.target()) ? SourceState.of(engine.table(definition.target()), definition.name())
        : SourceState.NEVER_RUN;
  }

  /**
   * Before a source loads: drops what an interrupted run of it left behind (batch branches, and
   * rejects of batches whose rows never committed), so the replay starts from the table's state.
   */
  public void recover(SourceDefinition definition) {
    Table target = exists(definition.target()) ? engine.table(definition.target()) : null;
    String writerId = BronzeCommit.writerId(engine);
    if (target != null) {
      BronzeCommit.removeStaleBranches(target, writerId);
    }
    RejectsTable.removeOrphans(engine, definition, target, writerId);
  }

  /**
   * Reads and commits one batch. Nothing is committed to the table when this throws.
   *
   * @param before the position the batch was planned from, which the table must still hold
   * @param rejectsBefore rejects of the run's earlier batches, counted against {@code max-rejects}
   * @param rowsBefore rows read by the run's earlier batches
   * @throws FloeException a user error when rejects exceed {@code max-rejects}, the schema changed in a
   *     way Iceberg cannot follow, or another run committed the source since the batch was planned
   */
  public BatchResult write(SourceDefinition definition, Batch batch, Position before, long rejectsBefore,
      long rowsBefore) {
    Instant now = Instant.now();
    String target = definition.target();
    Table table = exists(target) ? engine.table(target) : null;
    if (DuckDbCsvWriter.applies(definition, batch, table)) {
      return new DuckDbCsvWriter(engine, this).write(definition, batch, before, rejectsBefore, rowsBefore, table,
          table == null ? Map.of() : dataTypes(table));
    }
    Batch handedOver = asRows(batch);
    if (handedOver != null && DuckDbRowWriter.applies(definition, handedOver, table)) {
      return new DuckDbRowWriter(engine, this).write(definition, handedOver, before, rejectsBefore, rowsBefore,
          table);
    }
    ParsedBatch parsed = reader.read(batch, table == null ? Map.of() : dataTypes(table));
    if (batch.input() instanceof QueryInput && definition.mode() == WriteMode.APPEND) {
      return appendTyped(definition, batch, before, table, parsed, now);
    }
    Dataset<Row> rows = parsed.rows().persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row counts = rows.agg(count(lit(1)), count(col(ParsedBatch.REASON))).first();
      long read = counts.getLong(0);
      long rejects = counts.getLong(1);
      Dataset<Row> rejected = rows.filter(col(ParsedBatch.REASON).isNotNull());
      BronzeCommit.checkRejectLimit(definition, batch, rejects, read, rejectsBefore, rowsBefore, () -> {
        Row first = rejected.select(ParsedBatch.FILE, ParsedBatch.REASON).first();
        return new String[] {first.getString(0), first.getString(1)};
      });
      List<SchemaDrift.Change> changes = BronzeCommit.drift(table, definition, parsed.columns(), metadata);
      table = BronzeCommit.prepareTable(this, definition, table, parsed.columns(), changes, rejects == 0 ? null
          : () -> RejectsTable.write(engine, definition, batch, now, rejected, encodingOf(batch)));
      Dataset<Row> good = rows.filter(col(ParsedBatch.REASON).isNull());
      if (definition.mode() == WriteMode.UPSERT) {
        // Source order, which the last-row-wins rule speaks of: the batch's files in path order (file
        // paths sort as the batch lists them), then the rows of a file in order. Spark's partition ids
        // alone follow split sizes, so a larger older file would win over a newer one.
        good = good.withColumn(ORDER_FILE, coalesce(col(ParsedBatch.FILE), lit("")))
            .withColumn(ORDER_ROW, monotonically_increasing_id());
      }
      Dataset<Row> projected = project(definition, table, parsed.columns(), good, batch.id(), now);
      long snapshotId = commit(definition, table, batch, before, parsed.after(batch), projected);
      return new BatchResult(read, read - rejects, rejects, changes.stream().map(Object::toString).toList(),
          snapshotId, parsed.after(batch));
    } finally {
      rows.unpersist();
    }
  }

  // The batch as rows the connector hands over: its own rows, or a query the connector also reads
  // itself (PostgreSQL's binary COPY); null for files, and for a query with no such reader or on a
  // cluster, where the executors read the query's key ranges.
  private Batch asRows(Batch batch) {
    if (batch.input() instanceof RowInput) {
      return batch;
    }
    if (!(batch.input() instanceof QueryInput query) || query.inProcess().isEmpty()
        || !engine.session().sparkContext().isLocal()) {
      return null;
    }
    return new Batch(batch.id(), query.inProcess().get(), batch.after(), batch.bytes(), batch.description());
  }

  // A query's rows arrive typed by the database and cannot be rejected: they stream straight into
  // the append, read once, and the count comes from the snapshot the append committed.
  private BatchResult appendTyped(SourceDefinition definition, Batch batch, Position before, Table existing,
      ParsedBatch parsed, Instant now) {
    List<SchemaDrift.Change> changes = BronzeCommit.drift(existing, definition, parsed.columns(), metadata);
    Table table = BronzeCommit.prepareTable(this, definition, existing, parsed.columns(), changes, null);
    Dataset<Row> projected = project(definition, table, parsed.columns(), parsed.rows(), batch.id(), now);
    long snapshotId = commit(definition, table, batch, before, parsed.after(batch), projected);
    table.refresh();
    long written = Long.parseLong(table.snapshot(snapshotId).summary().getOrDefault("added-records", "0"));
    return new BatchResult(written, written, 0, changes.stream().map(Object::toString).toList(), snapshotId,
        parsed.after(batch));
  }

  // The batch's rows and position in one snapshot, published to main only if main still holds the
  // position the batch was planned from (see BronzeCommit).
  private long commit(SourceDefinition definition, Table table, Batch batch, Position before, Position after,
      Dataset<Row> rows) {
    // Iceberg's Spark writer adds these properties to the summary of the snapshot it commits.
    Map<String, String> summary = BronzeCommit.summary(definition, batch, after);
    return BronzeCommit.write(engine, table, definition, batch, before, identifier ->
        SparkWork.run("commit batch " + batch.description() + " to " + definition.target(),
            () -> CommitMetadata.withCommitProperties(summary, () -> {
              if (definition.mode() == WriteMode.UPSERT) {
                merge(definition, identifier, rows);
              } else {
                rows.writeTo(identifier).append();
              }
              return null;
            }, Exception.class)));
  }

  // The last row of a key in the batch wins: MERGE rejects a target row matched by two source rows.
  private void merge(SourceDefinition definition, String identifier, Dataset<Row> rows) {
    String view = "floe_batch_" + definition.name();
    Column[] key = definition.primaryKey().stream().map(name -> col(TextColumns.quoted(name))).toArray(Column[]::new);
    org.apache.spark.sql.expressions.WindowSpec latest = org.apache.spark.sql.expressions.Window.partitionBy(key)
        .orderBy(col(ORDER_FILE).desc(), col(ORDER_ROW).desc());
    Dataset<Row> ordered = List.of(rows.columns()).contains(ORDER_FILE) ? rows
        : rows.withColumn(ORDER_FILE, lit("")).withColumn(ORDER_ROW, monotonically_increasing_id());
    ordered.withColumn("_floe_rank", row_number().over(latest))
        .filter(col("_floe_rank").equalTo(1))
        .drop(ORDER_FILE, ORDER_ROW, "_floe_rank")
        // MERGE needs a deterministic source; the arrival order above is not, so pin the rows.
        .localCheckpoint()
        .createOrReplaceTempView(view);
    String on = definition.primaryKey().stream()
        .map(name -> "t." + TextColumns.quoted(name) + " = s." + TextColumns.quoted(name))
        .collect(Collectors.joining(" AND "));
    engine.session().sql("MERGE INTO " + identifier + " t USING " + view + " s ON " + on
        + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  // The table's columns in its order: source values cast to the table's types, NULL for a column
  // the source no longer has, and the metadata columns.
  private Dataset<Row> project(SourceDefinition definition, Table table, StructType source, Dataset<Row> good,
      String batchId, Instant now) {
    List<String> sourceNames = Arrays.asList(source.fieldNames());
    List<Column> columns = new ArrayList<>();
    for (StructField field : SparkSchemaUtil.convert(table.schema()).fields()) {
      String name = field.name();
      Column value = name.equals(metadata.ingestedAt()) ? lit(now)
          : name.equals(metadata.source()) ? lit(definition.name())
          : name.equals(metadata.batchId()) ? lit(batchId)
          : name.equals(metadata.hash()) ? (definition.hash() ? rowHash(source) : lit(null))
          : sourceNames.contains(name) ? col(TextColumns.quoted(name)) : lit(null);
      columns.add(value.cast(field.dataType()).as(name));
    }
    if (List.of(good.columns()).contains(ORDER_FILE)) {
      columns.add(col(ORDER_FILE));
      columns.add(col(ORDER_ROW));
    }
    return good.select(columns.toArray(Column[]::new));
  }

  // Names sorted, so the hash of a row does not depend on the order of the columns in the file.
  private Column rowHash(StructType source) {
    Column[] values = Arrays.stream(source.fieldNames())
        .filter(name -> !metadata.contains(name))
        .sorted()
        .map(name -> coalesce(col(TextColumns.quoted(name)).cast(DataTypes.StringType), lit("\u0000")))
        .toArray(Column[]::new);
    return sha2(concat_ws("\u001f", values), 256);
  }

  Table create(SourceDefinition definition, StructType source) {
    List<StructField> fields = new ArrayList<>();
    for (StructField field : source.fields()) {
      if (!metadata.contains(field.name())) {
        fields.add(field);
      }
    }
    fields.add(DataTypes.createStructField(metadata.ingestedAt(), DataTypes.TimestampType, true));
    fields.add(DataTypes.createStructField(metadata.source(), DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(metadata.batchId(), DataTypes.StringType, true));
    if (definition.hash()) {
      fields.add(DataTypes.createStructField(metadata.hash(), DataTypes.StringType, true));
    }
    String ddl = DataTypes.createStructType(fields).toDDL();
    String partitioning = definition.partitionBy().isEmpty() ? ""
        : " PARTITIONED BY (" + String.join(", ", definition.partitionBy()) + ")";
    SparkWork.run("create table " + definition.target() + " for source '" + definition.name() + "'", () -> {
      // IF NOT EXISTS: a concurrent first run may create it too; the commit decides which run loads.
      engine.session().sql("CREATE TABLE IF NOT EXISTS " + definition.target() + " (" + ddl + ") USING iceberg"
          + partitioning + " TBLPROPERTIES ('" + RunLeftovers.WRITER_PROPERTY + "' = '" + BronzeCommit.writerId(engine)
          + "')");
      if (!definition.sortBy().isEmpty()) {
        engine.session().sql("ALTER TABLE " + definition.target() + " WRITE ORDERED BY "
            + String.join(", ", definition.sortBy()));
      }
    });
    return engine.table(definition.target());
  }

  private Map<String, DataType> dataTypes(Table table) {
    Map<String, DataType> types = new LinkedHashMap<>();
    for (StructField field : SparkSchemaUtil.convert(table.schema()).fields()) {
      if (!metadata.contains(field.name())) {
        types.put(field.name(), field.dataType());
      }
    }
    return types;
  }

  private static String encodingOf(Batch batch) {
    if (batch.input() instanceof FileInput files && files.format() instanceof FileFormat.Csv csv) {
      return csv.encoding();
    }
    return "UTF-8";
  }

  private boolean exists(String table) {
    return engine.icebergCatalog().tableExists(TableIdentifier.parse(table));
  }
}
