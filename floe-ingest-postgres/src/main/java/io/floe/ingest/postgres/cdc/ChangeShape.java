package io.floe.ingest.postgres.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.ingest.postgres.cdc.PgOutputMessage.RelationColumn;
import io.floe.ingest.postgres.cdc.PgOutputMessage.Value;
import io.floe.ingest.spi.ChangeLog;
import io.floe.ingest.spi.SourceColumn;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How a change becomes a row of the change table.
 *
 * <ul>
 *   <li>{@code typed}: the table's columns (the after-image; for a delete the before-image, which
 *       under the default replica identity holds only the key), then {@code _op} (c, u, d, r, t),
 *       {@code _source_ts} (commit time), {@code _source_position} (the transaction's commit LSN:
 *       later transactions have larger ones), {@code _source_lsn} (the change's own LSN, which
 *       orders the changes inside one transaction), {@code _source_tx_id} and
 *       {@code _unchanged_toast}: the names (comma-separated) of the large values an update left alone
 *       and PostgreSQL therefore did not send, NULL in the row; {@code latest_changes()} and
 *       {@code change_history()} take them from the key's last change that sent them.
 *   <li>{@code raw}: the shape of seed 003's raw tables, a Debezium change event flattened:
 *       {@code data} (the row as JSON, the before-image for a delete), {@code op}, {@code ts_ms},
 *       {@code source_ts_ms}, {@code source_tx_id}, {@code source_lsn}, {@code source_commit_lsn},
 *       {@code source_connector}, {@code source_db}, {@code source_schema}, {@code source_table}.
 * </ul>
 */
abstract sealed class ChangeShape {
  /** The change-log columns the typed shape adds after the table's own. */
  static final String SOURCE_LSN = "_source_lsn";
  static final String SOURCE_TX_ID = "_source_tx_id";
  static final String UNCHANGED_TOAST = "_unchanged_toast";
  static final String TRUNCATE = "t";

  /** One change, whatever its shape: the values are the table's, in relation order. */
  record Change(String op, List<Value> values, List<RelationColumn> columns, Instant commitTime, long commitLsn,
      long lsn, Long txId) {}

  abstract List<SourceColumn> columns();

  abstract Object[] row(Change change);

  /** Whether rows of {@code relationColumns} fit this shape's columns (the typed shape's columns are the table's). */
  abstract boolean fits(List<RelationColumn> relationColumns);

  static ChangeShape typed(List<RelationColumn> tableColumns) {
    return new Typed(tableColumns);
  }

  static ChangeShape raw(String database, String schema, String table) {
    return new Raw(database, schema, table);
  }

  private static Object value(Value value, RelationColumn column) {
    return value.kind() == Value.Kind.TEXT ? PgValues.parse(value.text(), column.typeOid(), column.typeModifier())
        : null;
  }

  static final class Typed extends ChangeShape {
    private final List<RelationColumn> tableColumns;
    private final List<SourceColumn> columns;

    Typed(List<RelationColumn> tableColumns) {
      this.tableColumns = List.copyOf(tableColumns);
      List<SourceColumn> all = new ArrayList<>();
      for (RelationColumn column : tableColumns) {
        all.add(new SourceColumn(column.name(), PgValues.columnType(column.typeOid(), column.typeModifier())));
      }
      all.addAll(ChangeLog.columns());
      all.add(new SourceColumn(SOURCE_LSN, "bigint"));
      all.add(new SourceColumn(SOURCE_TX_ID, "bigint"));
      all.add(new SourceColumn(UNCHANGED_TOAST, "string"));
      this.columns = List.copyOf(all);
    }

    @Override
    List<SourceColumn> columns() {
      return columns;
    }

    @Override
    boolean fits(List<RelationColumn> relationColumns) {
      if (relationColumns.size() != tableColumns.size()) {
        return false;
      }
      for (int i = 0; i < relationColumns.size(); i++) {
        RelationColumn a = relationColumns.get(i);
        RelationColumn b = tableColumns.get(i);
        if (!a.name().equals(b.name()) || !PgValues.columnType(a.typeOid(), a.typeModifier())
            .equals(PgValues.columnType(b.typeOid(), b.typeModifier()))) {
          return false;
        }
      }
      return true;
    }

    @Override
    Object[] row(Change change) {
      int n = tableColumns.size();
      Object[] row = new Object[n + 6];
      StringBuilder unsent = null;
      for (int i = 0; i < n && i < change.values().size(); i++) {
        Value value = change.values().get(i);
        row[i] = value(value, change.columns().get(i));
        if (value.kind() == Value.Kind.UNCHANGED_TOAST) {
          unsent = unsent == null ? new StringBuilder() : unsent.append(',');
          unsent.append(change.columns().get(i).name());
        }
      }
      row[n] = change.op();
      row[n + 1] = change.commitTime();
      row[n + 2] = change.commitLsn();
      row[n + 3] = change.lsn();
      row[n + 4] = change.txId();
      row[n + 5] = unsent == null ? null : unsent.toString();
      return row;
    }
  }

  static final class Raw extends ChangeShape {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<SourceColumn> COLUMNS = io.floe.ingest.spi.RawChangeEvent.COLUMNS;

    private final String database;
    private final String schema;
    private final String table;

    Raw(String database, String schema, String table) {
      this.database = database;
      this.schema = schema;
      this.table = table;
    }

    @Override
    List<SourceColumn> columns() {
      return COLUMNS;
    }

    @Override
    boolean fits(List<RelationColumn> relationColumns) {
      return true;
    }

    @Override
    Object[] row(Change change) {
      String data = null;
      if (!change.op().equals(TRUNCATE)) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < change.values().size(); i++) {
          Value value = change.values().get(i);
          if (value.kind() == Value.Kind.UNCHANGED_TOAST) {
            continue; // not sent by PostgreSQL: absent, never a null that would overwrite the value
          }
          RelationColumn column = change.columns().get(i);
          Object parsed = value(value, column);
          String name = column.name();
          if (parsed == null) {
            node.putNull(name);
          } else if (parsed instanceof Integer v) {
            node.put(name, v);
          } else if (parsed instanceof Long v) {
            node.put(name, v);
          } else if (parsed instanceof Float v) {
            node.put(name, v);
          } else if (parsed instanceof Double v) {
            node.put(name, v);
          } else if (parsed instanceof BigDecimal v) {
            node.put(name, v);
          } else if (parsed instanceof Boolean v) {
            node.put(name, v);
          } else if (parsed instanceof byte[] v) {
            node.put(name, v);
          } else {
            node.put(name, parsed.toString());
          }
        }
        data = node.toString();
      }
      long now = System.currentTimeMillis();
      return new Object[] {data, change.op(), now, change.commitTime().toEpochMilli(), change.txId(), change.lsn(),
          change.commitLsn(), "postgresql", database, schema, table};
    }
  }
}
