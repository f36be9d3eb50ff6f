package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.view.SQLViewRepresentation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What another engine finds in a Floe project: tables whose every location has a scheme, read by
 * Iceberg's own reader over the same catalog with a FileIO that refuses a location without one (as
 * Trino's file systems do), views with Trino SQL, and a project whose tables were recorded without a
 * scheme (before locations were URIs) that Floe still reads and builds on.
 */
class OtherEnginesCliTest {
  private static final Schema LEGACY = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "name", Types.StringType.get()));

  @TempDir Path workspace;

  @Test
  void anIndependentReaderOpensEveryTableAndViewAndOldProjectsStayReadable() throws IOException {
    Path shop = workspace.resolve("shop");
    writeProject(shop);
    // The catalog as Floe recorded it before locations were URIs: a warehouse without a scheme.
    Path catalogDb = shop.resolve(".floe/catalog.db");
    Files.createDirectories(catalogDb.getParent());
    String legacyMetadata;
    try (JdbcCatalog old = catalog(catalogDb, shop.resolve(".floe/warehouse").toString(), new Configuration())) {
      old.createNamespace(Namespace.of("raw"));
      Table legacy = old.createTable(TableIdentifier.of("raw", "legacy"), LEGACY);
      append(legacy, List.of(record(1, "ada"), record(2, "grace")));
      assertThat(legacy.location()).startsWith("/");
      legacyMetadata = ((org.apache.iceberg.HasTableOperations) legacy).operations().current().metadataFileLocation();
    }

    floe(shop, "build").ok();
    floe(shop, "sql", "INSERT INTO raw.legacy VALUES (3, 'edsger')").ok();

    try (JdbcCatalog strict = catalog(catalogDb, "file:///nowhere", schemeRequired())) {
      // Tables Floe created: every location (metadata, manifests, data files) has a scheme.
      Table events = strict.loadTable(TableIdentifier.of("raw", "customer_events"));
      assertThat(events.location()).startsWith("file:///");
      assertThat(rows(events)).extracting(row -> row.get("event_id")).containsExactlyInAnyOrder("e1", "e2", "e3");
      Table names = strict.loadTable(TableIdentifier.of("silver", "legacy_names"));
      assertThat(rows(names)).extracting(row -> row.get("name")).containsExactlyInAnyOrder("ADA", "GRACE");
      Table counts = strict.loadTable(TableIdentifier.of("silver", "event_counts"));
      assertThat(rows(counts)).extracting(row -> row.get("event_type") + "=" + row.get("events"))
          .containsExactlyInAnyOrder("view=2", "purchase=1");
      // This reader would have caught the old form: the legacy table's metadata has no scheme.
      // (Read once, directly: the catalog's loadTable would retry for a minute before giving up.)
      HadoopFileIO strictIo = new HadoopFileIO(schemeRequired());
      assertThatThrownBy(() -> org.apache.iceberg.TableMetadataParser.read(strictIo, legacyMetadata))
          .hasStackTraceContaining("No FileSystem for scheme \"floe-no-scheme\"");

      // Views: Trino SQL with every table qualified by the catalog.
      Map<String, String> view = strict.loadView(TableIdentifier.of("bronze", "customer_events")).currentVersion()
          .representations().stream().map(SQLViewRepresentation.class::cast)
          .collect(Collectors.toMap(SQLViewRepresentation::dialect, SQLViewRepresentation::sql));
      assertThat(view).containsOnlyKeys("spark", "trino");
      assertThat(view.get("trino")).isEqualTo("SELECT \"event_id\", \"customer_id\", LOWER(\"event_type\") AS "
          + "\"event_type\", CAST(\"event_timestamp\" AS DATE) AS \"event_date\", \"_ingested_at\" AS \"ingested_at\", "
          + "'csv:customer_events' AS \"source_system\" FROM \"floe\".\"raw\".\"customer_events\"");
    }
    // The old table stays readable and writable through Floe (its new row is there).
    assertThat(floe(shop, "sql", "-o", "csv", "SELECT name FROM raw.legacy ORDER BY id").ok().lines())
        .containsExactly("name", "ada", "grace", "edsger");

    // floe tables lists views too, in name order, in every output.
    // (The CSV writer quotes longer cells.)
    List<String> listed = floe(shop, "tables", "-o", "csv").ok().replace("\"", "").lines().toList();
    assertThat(listed.get(0)).isEqualTo("namespace,table,name,kind");
    assertThat(listed.subList(1, listed.size())).containsExactly(
        "bronze,customer_events,bronze.customer_events,view",
        "raw,customer_events,raw.customer_events,table",
        "raw,legacy,raw.legacy,table",
        "silver,event_counts,silver.event_counts,table",
        "silver,legacy_names,silver.legacy_names,table");
    JsonNode json = new ObjectMapper().readTree(floe(shop, "tables", "-o", "json").ok());
    assertThat(json.toString()).contains("\"kind\":\"view\"").contains("\"kind\":\"table\"");
  }

  // A small project shaped like examples/ecommerce: a CSV source (the DuckDB fast path), a bronze
  // view over it, a silver table over the view, and a model over the old table.
  private static void writeProject(Path shop) throws IOException {
    Files.createDirectories(shop.resolve("landing"));
    Files.createDirectories(shop.resolve("models/bronze"));
    Files.createDirectories(shop.resolve("models/silver"));
    Files.writeString(shop.resolve("floe.yaml"), """
        name: shop
        namespaces: [raw, bronze, silver]
        engine:
          shuffle-partitions: 2
        sources:
          customer_events:
            type: csv
            path: landing/customer_events*.csv
            target: raw.customer_events
            schema:
              event_id: string
              customer_id: string
              event_type: string
              event_timestamp: timestamp
        """);
    Files.writeString(shop.resolve("landing/customer_events_1.csv"), """
        event_id,customer_id,event_type,event_timestamp
        e1,c1,VIEW,2024-03-01 10:00:00
        e2,c1,PURCHASE,2024-03-01 10:05:00
        e3,c2,View,2024-03-02 09:00:00
        """);
    Files.writeString(shop.resolve("models/bronze/bronze_customer_events.sql"), """
        {{ config(materialized='view', alias='customer_events') }}
        select event_id, customer_id, lower(event_type) as event_type, cast(event_timestamp as date) as event_date,
               _ingested_at as ingested_at, 'csv:customer_events' as source_system
        from {{ source('raw', 'customer_events') }}
        """);
    Files.writeString(shop.resolve("models/silver/silver_event_counts.sql"), """
        {{ config(materialized='table', alias='event_counts') }}
        select event_type, count(*) as events from {{ ref('bronze_customer_events') }} group by event_type
        """);
    Files.writeString(shop.resolve("models/silver/silver_legacy_names.sql"), """
        {{ config(materialized='table', alias='legacy_names') }}
        select id, upper(name) as name from raw.legacy
        """);
  }

  // A Hadoop file system whose default file system does not exist: a location without a scheme fails
  // as it does in Trino ("No factory for location"), file:// ones resolve as usual.
  private static Configuration schemeRequired() {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "floe-no-scheme:///");
    return conf;
  }

  private static JdbcCatalog catalog(Path catalogDb, String warehouse, Configuration conf) {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.setConf(conf);
    catalog.initialize("floe", Map.of(
        CatalogProperties.URI, "jdbc:sqlite:" + catalogDb,
        CatalogProperties.WAREHOUSE_LOCATION, warehouse,
        CatalogProperties.FILE_IO_IMPL, HadoopFileIO.class.getName(),
        "jdbc.schema-version", "V1"));
    return catalog;
  }

  private static Record record(long id, String name) {
    GenericRecord record = GenericRecord.create(LEGACY);
    record.setField("id", id);
    record.setField("name", name);
    return record;
  }

  private static void append(Table table, List<Record> records) throws IOException {
    String path = table.location() + "/data/legacy-0.parquet";
    DataWriter<Record> writer = new GenericAppenderFactory(table.schema()).newDataWriter(
        EncryptedFiles.plainAsEncryptedOutput(table.io().newOutputFile(path)), FileFormat.PARQUET, null);
    try (writer) {
      records.forEach(writer::write);
    }
    DataFile file = writer.toDataFile();
    table.newAppend().appendFile(file).commit();
  }

  private static List<Map<String, Object>> rows(Table table) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Map<String, Object> row = new HashMap<>();
        for (Types.NestedField field : table.schema().columns()) {
          row.put(field.name(), String.valueOf(record.getField(field.name())));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
