package io.floe.ingest.postgres.audit;

import io.floe.ingest.spi.ChangeLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The audit table's column names and what its operation values mean.
 *
 * @param auditTable the audit table, for reject messages
 * @param operations each operation value and the change-log operation it means
 */
record AuditColumns(String auditTable, String eventId, String operation, String timestamp, String schemaColumn,
    String tableColumn, String payload, Map<String, String> operations) {
  AuditColumns {
    operations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(operations));
  }

  static Map<String, String> operations(List<String> inserts, List<String> updates, List<String> deletes) {
    Map<String, String> operations = new LinkedHashMap<>();
    inserts.forEach(value -> operations.put(value, ChangeLog.INSERT));
    updates.forEach(value -> operations.put(value, ChangeLog.UPDATE));
    deletes.forEach(value -> operations.put(value, ChangeLog.DELETE));
    return operations;
  }

  /** The change-log operation of {@code value}, or null when it is none of the configured values. */
  String changeOperation(String value) {
    return value == null ? null : operations.get(value.strip());
  }

  List<String> operationValues() {
    return new ArrayList<>(operations.keySet());
  }

  /** Names a payload key cannot take: the audit columns and the change-log columns the rows carry. */
  Set<String> reserved() {
    return Set.of(eventId, operation, timestamp, ChangeLog.OPERATION, ChangeLog.SOURCE_TIME, ChangeLog.SOURCE_POSITION);
  }
}
