package io.floe.ingest.kafka;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import java.util.List;

/** The settings of a {@code type: kafka} source, relative to the source entry. */
final class KafkaSettings {
  static final ConfigField BOOTSTRAP_SERVERS = new ConfigField("bootstrap-servers", ConfigType.STRING, null,
      "The Kafka brokers to start from, host:port[,host:port...].", List.of(), true);
  static final ConfigField TOPIC = new ConfigField("topic", ConfigType.STRING, null,
      "The topic to read, every partition of it (e.g. Debezium's <prefix>.<schema>.<table>).", List.of(), true);
  static final ConfigField FORMAT = new ConfigField("format", ConfigType.ENUM, "debezium",
      "debezium: Debezium's JSON change events (with or without the schema envelope) into the raw change shape"
          + " (data, op, ts_ms, source_*); json: each record a JSON object, read into the columns of 'schema:'.",
      List.of("debezium", "json"), false);
  static final ConfigField MAX_RECORDS = new ConfigField("max-records", ConfigType.INT, 200_000,
      "Most records per commit; a batch ends at the first poll past it.", List.of(), false);
  static final ConfigField COMMIT_INTERVAL = new ConfigField("commit-interval", ConfigType.STRING, "2s",
      "How often a following source (floe ingest --follow) commits what it read, e.g. 2s, 500ms, 1m.",
      List.of(), false);
  static final ConfigField GROUP_ID = new ConfigField("group-id", ConfigType.STRING, null,
      "A consumer group whose offsets Floe sets after each Iceberg commit, so Kafka's lag tools see how far"
          + " it is; Floe resumes from the offsets in the table's snapshot, never from the group's.",
      List.of(), false);
  static final ConfigField PROPERTIES = new ConfigField("properties", ConfigType.MAP, null,
      "Settings for Kafka's consumer as Kafka names them (security.protocol, sasl.jaas.config ...); values may be"
          + " secret references such as ${env:KAFKA_PASSWORD}.", List.of(), false);

  static final List<ConfigField> ALL =
      List.of(BOOTSTRAP_SERVERS, TOPIC, FORMAT, MAX_RECORDS, COMMIT_INTERVAL, GROUP_ID, PROPERTIES);

  private KafkaSettings() {}
}
