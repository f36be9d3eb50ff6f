package io.floe.ingest.postgres;

import static io.floe.ingest.postgres.PostgresSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import java.util.List;
import java.util.Set;

/** PostgreSQL tables through the JDBC driver: full loads, or incremental by a watermark column. */
public final class PostgresSourceConnector implements SourceConnector {
  @Override
  public Set<String> types() {
    return Set.of("postgres");
  }

  @Override
  public List<ConfigField> settings(String type) {
    return PostgresSettings.ALL;
  }

  @Override
  public Source create(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    String watermark = settings.string(WATERMARK);
    String lookBack = settings.string(LOOK_BACK);
    if (definition.mode() != WriteMode.UPSERT && (watermark == null || lookBack != null)) {
      // A full load or a look-back re-reads rows: only an upsert keeps them from doubling.
      throw FloeException.user(
          "%s: Cannot configure sources.%s: %s re-reads rows, so it needs mode: upsert with a"
              + " primary-key (or a watermark without look-back for append).",
          settings.location(watermark == null ? URL : LOOK_BACK), definition.name(),
          watermark == null ? "a full load (no watermark)" : "look-back");
    }
    for (ConfigField field : List.of(BATCH_ROWS, PARALLELISM, FETCH_SIZE)) {
      if (settings.integer(field) < 1) {
        throw settings.invalid(field, "a positive integer");
      }
    }
    PostgresConnection connection = PostgresConnection.of(definition.name(), settings, definition.projectRoot());
    PostgresPlanner planner = new PostgresPlanner(definition.name(), connection,
        PostgresTableName.parse(settings.string(TABLE)), watermark, lookBack, definition.primaryKey(),
        settings.integer(BATCH_ROWS), settings.integer(PARALLELISM));
    return new PostgresSource(definition.name(), planner, connection, settings.integer(FETCH_SIZE));
  }
}
