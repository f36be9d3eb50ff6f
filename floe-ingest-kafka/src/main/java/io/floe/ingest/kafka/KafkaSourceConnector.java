package io.floe.ingest.kafka;

import static io.floe.ingest.kafka.KafkaSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.config.DurationText;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.SourceSettings;
import io.floe.ingest.spi.WriteMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Kafka topics: {@code type: kafka}. */
public final class KafkaSourceConnector implements SourceConnector {
  /** Set by Floe itself: a user's value would break reading from the snapshot's offsets. */
  private static final Set<String> FIXED_PROPERTIES = Set.of("bootstrap.servers", "group.id", "enable.auto.commit",
      "isolation.level", "key.deserializer", "value.deserializer");

  @Override
  public Set<String> types() {
    return Set.of("kafka");
  }

  @Override
  public List<ConfigField> settings(String type) {
    return KafkaSettings.ALL;
  }

  @Override
  public Source create(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    String format = settings.string(FORMAT);
    if (format.equals("debezium") && definition.mode() != WriteMode.APPEND) {
      throw FloeException.user("%s: Cannot configure sources.%s: a kafka source in the debezium format appends every"
          + " change event to a change table, so it takes mode: append (the default), not %s. Keep a current-state"
          + " table with a model over the change table (latest_changes).", settings.location(SourceSettings.MODE),
          definition.name(), definition.mode().name().toLowerCase(Locale.ROOT));
    }
    if (format.equals("debezium") && definition.schema().isPresent()) {
      throw FloeException.user("%s: Cannot configure sources.%s: the debezium format has fixed columns (data, op,"
          + " ts_ms, source_*), so it takes no schema:. Remove it, or set format: json to read records into"
          + " declared columns.", settings.location(SourceSettings.SCHEMA), definition.name());
    }
    if (format.equals("json") && definition.schema().isEmpty()) {
      throw FloeException.user("%s: Cannot configure sources.%s: format: json reads each record into the columns"
          + " of schema:, and none is declared. Add one, e.g. schema: {id: bigint, name: string}.",
          settings.location(FORMAT), definition.name());
    }
    if (settings.integer(MAX_RECORDS) < 1) {
      throw settings.invalid(MAX_RECORDS, "a positive integer");
    }
    Duration commitInterval;
    try {
      commitInterval = DurationText.parse(settings.string(COMMIT_INTERVAL));
    } catch (IllegalArgumentException e) {
      throw settings.invalid(COMMIT_INTERVAL, "a duration such as 500ms, 5s or 1m");
    }
    RecordFormat records = format.equals("json") ? RecordFormat.json(definition.schema().get())
        : RecordFormat.debezium();
    return new KafkaSource(definition.name(), settings.string(BOOTSTRAP_SERVERS), settings.string(TOPIC), records,
        settings.integer(MAX_RECORDS), commitInterval, settings.string(GROUP_ID), properties(settings),
        definition.projectRoot());
  }

  // Secret references stay unresolved until the consumer is made; errors never show a value.
  private static Map<String, ConfigValue> properties(ConfigDocument settings) {
    Map<String, ConfigValue> properties = new LinkedHashMap<>();
    SourceLocation at = settings.location(PROPERTIES);
    settings.map(PROPERTIES).forEach((key, value) -> {
      if (FIXED_PROPERTIES.contains(key)) {
        throw settings.invalid(PROPERTIES, "consumer settings other than " + String.join(", ", FIXED_PROPERTIES.stream()
            .sorted().toList()) + " (Floe sets those; " + key + " has a setting of its own or must stay as Floe sets it)");
      }
      if (value == null || value instanceof Map || value instanceof List) {
        throw settings.invalid(PROPERTIES, "a text value for " + key);
      }
      properties.put(key, new ConfigValue(PROPERTIES.key() + "." + key, String.valueOf(value), at, true));
    });
    return properties;
  }
}
