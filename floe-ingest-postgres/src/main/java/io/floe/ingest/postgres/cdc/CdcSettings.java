package io.floe.ingest.postgres.cdc;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import io.floe.ingest.postgres.PostgresSettings;
import java.util.List;

/** The settings of a {@code type: postgres-cdc} source, relative to the source entry. */
final class CdcSettings {
  static final ConfigField TABLE = new ConfigField("table", ConfigType.STRING, null,
      "The table whose changes to follow, table or schema.table.", List.of(), true);
  static final ConfigField PUBLICATION = new ConfigField("publication", ConfigType.STRING, null,
      "The publication to read (created FOR TABLE when missing); default floe_<source>.", List.of(), false);
  static final ConfigField SLOT = new ConfigField("slot", ConfigType.STRING, null,
      "The logical replication slot (pgoutput) holding the source's place in the log; default floe_<source>.",
      List.of(), false);
  static final ConfigField SHAPE = new ConfigField("shape", ConfigType.ENUM, "typed",
      "typed: the table's own columns plus _op, _source_ts, _source_position, _source_lsn, _source_tx_id,"
          + " _unchanged_toast;"
          + " raw: Debezium's change-event shape (data as JSON, op, ts_ms, source_*).",
      List.of("typed", "raw"), false);
  static final ConfigField COMMIT_INTERVAL = new ConfigField("commit-interval", ConfigType.STRING, "2s",
      "How often a following source commits what it read (whole transactions), e.g. 2s, 500ms, 1m.",
      List.of(), false);
  static final ConfigField MAX_CHANGES = new ConfigField("max-changes", ConfigType.INT, 200_000,
      "Most changes per commit; a batch ends at the first transaction end past it.", List.of(), false);
  static final ConfigField FETCH_SIZE = new ConfigField("fetch-size", ConfigType.INT, 10_000,
      "Rows fetched per round trip by the initial snapshot.", List.of(), false);

  static final ConfigField SNAPSHOT_CHUNK_ROWS = new ConfigField("snapshot.chunk-rows", ConfigType.INT, 500_000,
      "Rows per commit of the initial snapshot, read in primary-key order; a killed snapshot resumes after its last"
          + " commit. Tables without an integer, uuid or text primary key are read in one commit.", List.of(), false);

  static final List<ConfigField> ALL = List.of(PostgresSettings.URL, PostgresSettings.USER,
      PostgresSettings.PASSWORD, TABLE, PUBLICATION, SLOT, SHAPE, COMMIT_INTERVAL, MAX_CHANGES, FETCH_SIZE,
      SNAPSHOT_CHUNK_ROWS);

  private CdcSettings() {}
}
