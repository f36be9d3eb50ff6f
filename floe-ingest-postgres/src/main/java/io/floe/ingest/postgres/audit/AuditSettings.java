package io.floe.ingest.postgres.audit;

import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigType;
import io.floe.ingest.postgres.PostgresSettings;
import java.util.List;

/** The settings of a {@code type: postgres-audit} source, relative to the source entry. */
final class AuditSettings {
  static final ConfigField TABLE = new ConfigField("table", ConfigType.STRING, null,
      "The audit table to read, table or schema.table, e.g. public.audit_log_dml.", List.of(), true);
  static final ConfigField FOR_TABLE = new ConfigField("for-table", ConfigType.STRING, null,
      "Only the events of this audited table, schema.table (matched against schema-column and table-column);"
          + " unset for every event.", List.of(), false);
  static final ConfigField EVENT_ID = new ConfigField("event-id-column", ConfigType.STRING, "audit_event_id",
      "The increasing event id: the source reads after the last one committed.", List.of(), false);
  static final ConfigField OPERATION = new ConfigField("operation-column", ConfigType.STRING, "audit_operation",
      "The operation column (values in insert-values, update-values, delete-values).", List.of(), false);
  static final ConfigField TIMESTAMP = new ConfigField("timestamp-column", ConfigType.STRING, "audit_timestamp",
      "When the change happened (a timestamp; without time zone it is read as UTC).", List.of(), false);
  static final ConfigField SCHEMA_COLUMN = new ConfigField("schema-column", ConfigType.STRING, "tbl_schema",
      "The column naming the audited table's schema.", List.of(), false);
  static final ConfigField TABLE_COLUMN = new ConfigField("table-column", ConfigType.STRING, "tbl_name",
      "The column naming the audited table.", List.of(), false);
  static final ConfigField PAYLOAD = new ConfigField("payload-column", ConfigType.STRING, "raw_data",
      "The row as a JSON object (text, json or jsonb); its keys become columns.", List.of(), false);
  static final ConfigField INSERTS = new ConfigField("insert-values", ConfigType.STRING_LIST, List.of("I"),
      "Operation values meaning an insert.", List.of(), false);
  static final ConfigField UPDATES = new ConfigField("update-values", ConfigType.STRING_LIST, List.of("U"),
      "Operation values meaning an update.", List.of(), false);
  static final ConfigField DELETES = new ConfigField("delete-values", ConfigType.STRING_LIST, List.of("D"),
      "Operation values meaning a delete.", List.of(), false);
  static final ConfigField BATCH_EVENTS = new ConfigField("batch.max-events", ConfigType.INT, 200_000,
      "Most events per batch; each batch is committed on its own with the last event id.", List.of(), false);

  static final List<ConfigField> ALL = List.of(PostgresSettings.URL, PostgresSettings.USER,
      PostgresSettings.PASSWORD, TABLE, FOR_TABLE, EVENT_ID, OPERATION, TIMESTAMP, SCHEMA_COLUMN, TABLE_COLUMN,
      PAYLOAD, INSERTS, UPDATES, DELETES, BATCH_EVENTS);

  private AuditSettings() {}
}
