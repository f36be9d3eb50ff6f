package io.floe.ingest.postgres.cdc;

import static io.floe.ingest.postgres.cdc.CdcSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.error.FloeException;
import io.floe.ingest.postgres.PostgresConnection;
import io.floe.ingest.postgres.PostgresTableName;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PostgreSQL tables followed through the write-ahead log: {@code type: postgres-cdc}. */
public final class PostgresCdcConnector implements SourceConnector {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

  @Override
  public Set<String> types() {
    return Set.of("postgres-cdc");
  }

  @Override
  public List<ConfigField> settings(String type) {
    return CdcSettings.ALL;
  }

  @Override
  public Source create(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    if (definition.mode() != WriteMode.APPEND) {
      // Every change is a row of its own; current state is a model over them (see the README).
      throw FloeException.user("%s: Cannot configure sources.%s: a postgres-cdc source appends every change to a"
          + " change table, so it takes mode: append (the default), not %s. Keep a current-state table with a"
          + " model over the change table.", settings.location(io.floe.ingest.spi.SourceSettings.MODE), definition.name(),
          definition.mode().name().toLowerCase(Locale.ROOT));
    }
    for (ConfigField field : List.of(MAX_CHANGES, FETCH_SIZE, SNAPSHOT_CHUNK_ROWS)) {
      if (settings.integer(field) < 1) {
        throw settings.invalid(field, "a positive integer");
      }
    }
    String interval = settings.string(COMMIT_INTERVAL);
    Matcher matcher = DURATION.matcher(interval.strip());
    if (!matcher.matches()) {
      throw settings.invalid(COMMIT_INTERVAL, "a duration such as 500ms, 5s or 1m");
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration commitInterval = switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
    String fallback = "floe_" + definition.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    String slot = settings.string(SLOT) == null ? fallback : settings.string(SLOT);
    String publication = settings.string(PUBLICATION) == null ? fallback : settings.string(PUBLICATION);
    PostgresConnection connection = PostgresConnection.of(definition.name(), settings, definition.projectRoot());
    return new PostgresCdcSource(definition.name(), connection, PostgresTableName.parse(settings.string(TABLE)),
        slot, publication, settings.string(SHAPE).equals("raw"), commitInterval, settings.integer(MAX_CHANGES),
        settings.integer(FETCH_SIZE), settings.integer(SNAPSHOT_CHUNK_ROWS));
  }
}
