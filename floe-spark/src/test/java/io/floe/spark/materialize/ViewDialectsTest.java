package io.floe.spark.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.project.Project;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.view.SQLViewRepresentation;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Iceberg views Floe writes, as another engine finds them: one SQL text per dialect. */
class ViewDialectsTest {
  @TempDir Path dir;
  FloeEngine engine;

  @BeforeEach
  void open() throws IOException {
    Files.writeString(dir.resolve("floe.yaml"), "name: m\nnamespaces: [raw, bronze]\nengine:\n  shuffle-partitions: 2\n");
    engine = FloeEngine.open(Project.load(dir));
    engine.sql("CREATE TABLE raw.events (id BIGINT, kind STRING, payload STRING, ts TIMESTAMP) USING iceberg", 1);
  }

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void aPublishedViewCarriesTrinoSqlBesideSparks() {
    String select = "select id, cast(id as string) as id_text, date_trunc('day', ts) as `day`, lower(`kind`) as kind"
        + " from raw.events";
    ViewMaterialization.publish(engine, "bronze.events", select, Map.of("floe.fingerprint", "f1"));

    Map<String, String> sql = representations("bronze.events");
    assertThat(sql).containsOnlyKeys("spark", "trino").containsEntry("spark", select);
    assertThat(sql.get("trino")).isEqualTo("SELECT \"id\", CAST(\"id\" AS VARCHAR) AS \"id_text\", "
        + "DATE_TRUNC('day', \"ts\") AS \"day\", LOWER(\"kind\") AS \"kind\" FROM \"floe\".\"raw\".\"events\"");
    // The view still reads in Spark, and keeps its properties.
    assertThat(engine.sql("SELECT count(*) FROM bronze.events", 1).rows()).hasSize(1);
    assertThat(((ViewCatalog) engine.icebergCatalog()).loadView(TableIdentifier.parse("bronze.events"))
        .properties()).containsEntry("floe.fingerprint", "f1");

    // Replacing it (Spark writes its SQL alone) gets the Trino SQL of the new query.
    ViewMaterialization.publish(engine, "bronze.events", "select id from raw.events", Map.of());
    assertThat(representations("bronze.events"))
        .containsEntry("spark", "select id from raw.events")
        .containsEntry("trino", "SELECT \"id\" FROM \"floe\".\"raw\".\"events\"");
  }

  @Test
  void aViewWithSparkOnlyFunctionsKeepsItsSparkSqlAndWarns() {
    StringWriter log = new StringWriter();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    WriterAppender appender = WriterAppender.newBuilder().setName("view-dialects-test").setTarget(log)
        .setLayout(PatternLayout.newBuilder().withPattern("%p %m%n").build()).build();
    appender.start();
    config.getRootLogger().addAppender(appender, Level.WARN, null);
    context.updateLoggers();
    try {
      ViewMaterialization.publish(engine, "bronze.parsed",
          "select id, from_json(payload, 'a INT').a as a from raw.events", Map.of());
    } finally {
      config.getRootLogger().removeAppender(appender.getName());
      context.updateLoggers();
      appender.stop();
    }

    assertThat(representations("bronze.parsed")).containsOnlyKeys("spark");
    assertThat(log.toString()).contains("WARN View bronze.parsed keeps only its Spark SQL: it cannot be translated "
        + "to trino's dialect (function from_json has no known Trino equivalent), so trino cannot read it.");
  }

  private Map<String, String> representations(String view) {
    return ((ViewCatalog) engine.icebergCatalog()).loadView(TableIdentifier.parse(view)).currentVersion()
        .representations().stream().map(SQLViewRepresentation.class::cast)
        .collect(Collectors.toMap(SQLViewRepresentation::dialect, SQLViewRepresentation::sql));
  }
}
