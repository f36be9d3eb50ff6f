package io.floe.ingest.postgres.audit;

import static io.floe.ingest.postgres.audit.AuditSettings.*;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.error.FloeException;
import io.floe.ingest.postgres.PostgresConnection;
import io.floe.ingest.postgres.PostgresTableName;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.SourceSettings;
import io.floe.ingest.spi.WriteMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An audit table (event id, operation, time, audited table, the row as JSON) read as a change
 * source: {@code type: postgres-audit}. One audit table feeds several targets, one source per
 * audited table ({@code for-table}).
 */
public final class PostgresAuditConnector implements SourceConnector {
  @Override
  public Set<String> types() {
    return Set.of("postgres-audit");
  }

  @Override
  public List<ConfigField> settings(String type) {
    return AuditSettings.ALL;
  }

  @Override
  public Source create(SourceDefinition definition) {
    ConfigDocument settings = definition.settings();
    if (definition.mode() != WriteMode.APPEND) {
      // Every event is a row of its own; current state and history are models over them.
      throw FloeException.user("%s: Cannot configure sources.%s: a postgres-audit source appends every event to a"
          + " change table, so it takes mode: append (the default), not %s. Keep a current-state table with a"
          + " model over the change table (see latest_changes in the README).", settings.location(SourceSettings.MODE),
          definition.name(), definition.mode().name().toLowerCase(Locale.ROOT));
    }
    if (settings.integer(BATCH_EVENTS) < 1) {
      throw settings.invalid(BATCH_EVENTS, "a positive integer");
    }
    Map<String, String> operations = AuditColumns.operations(settings.stringList(INSERTS),
        settings.stringList(UPDATES), settings.stringList(DELETES));
    int listed = settings.stringList(INSERTS).size() + settings.stringList(UPDATES).size()
        + settings.stringList(DELETES).size();
    if (operations.size() != listed) {
      throw settings.invalid(DELETES, "insert-values, update-values and delete-values with no value in two of them");
    }
    PostgresTableName table = PostgresTableName.parse(settings.string(TABLE));
    AuditColumns columns = new AuditColumns(table.toString(), settings.string(EVENT_ID), settings.string(OPERATION),
        settings.string(TIMESTAMP), settings.string(SCHEMA_COLUMN), settings.string(TABLE_COLUMN),
        settings.string(PAYLOAD), operations);
    // A declared schema types those payload keys; keys it does not name are inferred (schema evolution).
    Map<String, String> declared = new LinkedHashMap<>();
    definition.schema().orElse(List.of()).forEach((SourceColumn column) -> declared.put(column.name(), column.type()));
    Optional<PostgresTableName> forTable = Optional.ofNullable(settings.string(FOR_TABLE)).map(PostgresTableName::parse);
    PostgresConnection connection = PostgresConnection.of(definition.name(), settings, definition.projectRoot());
    return new PostgresAuditSource(definition.name(), connection, table, forTable, columns, declared,
        settings.integer(BATCH_EVENTS));
  }
}
