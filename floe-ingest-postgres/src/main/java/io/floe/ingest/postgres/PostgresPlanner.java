package io.floe.ingest.postgres;

import static io.floe.ingest.postgres.PostgresTypeMapping.quote;
import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans the loads of a PostgreSQL table: the whole table, or the rows past the last watermark cut
 * into batches at watermark values, so each batch can be committed (and replayed) on its own.
 */
final class PostgresPlanner {
  private static final Set<String> INTEGER_TYPES = Set.of("int2", "int4", "int8");

  private final String source;
  private final PostgresConnection connection;
  private final PostgresTableName table;
  private final String watermark;
  private final String lookBack;
  private final List<String> primaryKey;
  private final long batchRows;
  private final int parallelism;

  PostgresPlanner(String source, PostgresConnection connection, PostgresTableName table,
      String watermark, String lookBack, List<String> primaryKey, long batchRows, int parallelism) {
    this.source = requireNonNull(source, "source is null");
    this.connection = requireNonNull(connection, "connection is null");
    this.table = requireNonNull(table, "table is null");
    this.watermark = watermark;
    this.lookBack = lookBack;
    this.primaryKey = List.copyOf(primaryKey);
    this.batchRows = batchRows;
    this.parallelism = parallelism;
  }

  PostgresTableName table() {
    return table;
  }

  boolean isIncremental() {
    return watermark != null;
  }

  /**
   * The loads after {@code position} (the last committed high mark, or null), oldest first.
   *
   * @throws FloeException external when the database cannot be reached, user for a bad table
   */
  List<PostgresLoadPlan> plan(String position) {
    try (Connection db = connection.open()) {
      List<PostgresColumn> columns = PostgresCatalog.columns(db, table);
      String selectList = columns.stream()
          .map(column -> PostgresTypeMapping.selectExpression(table.toString(), column))
          .collect(Collectors.joining(", "));
      List<String> key = primaryKey.isEmpty() ? PostgresCatalog.primaryKey(db, table) : primaryKey;
      String splitColumn = key.size() == 1 && INTEGER_TYPES.contains(find(columns, key.get(0)).typeName())
          ? key.get(0) : null;
      List<CopyColumn> copyColumns = copyColumns(db, selectList);
      if (!isIncremental()) {
        return List.of(load(db, selectList, splitColumn, "TRUE", null, null, copyColumns));
      }
      PostgresColumn column = find(columns, watermark);
      List<PostgresLoadPlan> loads = new ArrayList<>();
      String from = position;
      for (String to : boundaries(db, column, position)) {
        WatermarkWindow window = new WatermarkWindow(column.name(), column.declaredType(), from,
            from == null || !from.equals(position) ? null : lookBack, to);
        loads.add(load(db, selectList, splitColumn, window.condition(), from, to, copyColumns));
        from = to;
      }
      return loads;
    } catch (SQLException e) {
      throw FloeException.external(
          e, "Cannot read PostgreSQL table %s for source %s: %s", table, source, e.getMessage());
    }
  }

  // The watermark values that end each batch: every batchRows-th row past the position, and the
  // last. Rows that share a watermark value fall in one batch, so a batch never splits a value.
  private List<String> boundaries(Connection db, PostgresColumn column, String position)
      throws SQLException {
    String wm = quote(column.name());
    String past = position == null ? "TRUE"
        : new WatermarkWindow(column.name(), column.declaredType(), null, null, position).condition()
            .replace(" <= ", " > ");
    // Most loads fit one batch: one aggregate answers that without numbering every row.
    try (Statement statement = db.createStatement();
        ResultSet summary = statement.executeQuery("SELECT count(*), max(" + wm + ")::text FROM "
            + table.quoted() + " WHERE " + wm + " IS NOT NULL AND " + past)) {
      summary.next();
      long rows = summary.getLong(1);
      if (rows == 0) {
        return List.of();
      }
      if (rows <= batchRows) {
        return List.of(summary.getString(2));
      }
    }
    String sql = "SELECT DISTINCT b::text FROM (SELECT " + wm + " AS b, row_number() OVER (ORDER BY "
        + wm + ") AS n, count(*) OVER () AS total FROM " + table.quoted() + " WHERE " + wm
        + " IS NOT NULL AND " + past + ") s WHERE n % " + batchRows + " = 0 OR n = total";
    List<String> values = new ArrayList<>();
    try (Statement statement = db.createStatement();
        ResultSet rows = statement.executeQuery("SELECT b FROM (" + sql + ") d ORDER BY b::"
            + column.declaredType())) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  // The result's columns as PostgreSQL describes them (a describe, nothing runs), for a binary COPY.
  private List<CopyColumn> copyColumns(Connection db, String selectList) throws SQLException {
    try (PreparedStatement statement = db.prepareStatement("SELECT " + selectList + " FROM " + table.quoted()
        + " WHERE FALSE")) {
      return CopyColumn.of(statement.getMetaData()).orElse(List.of());
    }
  }

  private PostgresLoadPlan load(Connection db, String selectList, String splitColumn,
      String condition, String from, String to, List<CopyColumn> copyColumns) throws SQLException {
    String query = "SELECT " + selectList + " FROM " + table.quoted() + " WHERE " + condition;
    PostgresLoadPlan.KeyRange range = null;
    if (splitColumn != null && parallelism > 1) {
      try (Statement statement = db.createStatement();
          ResultSet rows = statement.executeQuery("SELECT min(" + quote(splitColumn) + "), max("
              + quote(splitColumn) + ") FROM " + table.quoted() + " WHERE " + condition)) {
        rows.next();
        long min = rows.getLong(1);
        if (!rows.wasNull()) {
          range = new PostgresLoadPlan.KeyRange(splitColumn, min, rows.getLong(2));
        }
      }
    }
    return new PostgresLoadPlan(query, from, to, range, parallelism, copyColumns);
  }

  private PostgresColumn find(List<PostgresColumn> columns, String name) {
    return columns.stream().filter(column -> column.name().equals(name)).findFirst()
        .orElseThrow(() -> FloeException.user(
            "Cannot read source %s: table %s has no column '%s'. Its columns: %s.", source, table,
            name, columns.stream().map(PostgresColumn::name).collect(Collectors.joining(", "))));
  }
}
