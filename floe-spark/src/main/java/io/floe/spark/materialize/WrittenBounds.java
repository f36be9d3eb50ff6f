package io.floe.spark.materialize;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The range of a column's values over the data files a write added, read from the bounds Iceberg keeps
 * for each file (its column metrics), so that a test of the written rows learns the range of their keys
 * without a query. A bound Iceberg truncated (a long string) still holds: the lower one is a prefix, the
 * upper one is rounded up, so the range may be wider than the values, never narrower.
 */
public final class WrittenBounds {
  private final Schema schema;
  private final List<DataFile> files;
  // The rows' column names (lower-cased) to the table's, when the rows are a view of the table's; null: the same.
  private final Map<String, String> columns;

  private WrittenBounds(Schema schema, List<DataFile> files, Map<String, String> columns) {
    this.schema = schema;
    this.files = files;
    this.columns = columns;
  }

  /** The bounds of {@code files}, data files of a table whose schema is {@code schema}. */
  public static WrittenBounds of(Schema schema, List<DataFile> files) {
    requireNonNull(schema, "schema is null");
    requireNonNull(files, "files is null");
    return new WrittenBounds(schema, List.copyOf(files), null);
  }

  /**
   * These bounds for rows whose columns are the table's under other names: {@code columns} maps each
   * such column's name, lower-cased, to the table column it is as it is (a row-by-row view selecting
   * it); the rows' other columns have no range.
   */
  public WrittenBounds as(Map<String, String> columns) {
    requireNonNull(columns, "columns is null");
    return new WrittenBounds(schema, files, Map.copyOf(columns));
  }

  /**
   * The smallest lower and the largest upper bound of {@code column} over the files, as a String, Integer,
   * Long, BigDecimal, LocalDate, Instant (a timestamp with time zone) or LocalDateTime; empty when there are
   * no files, the column is of another type or a file has no bound for it (all its values NULL, or the
   * table's metrics mode keeps none): then the caller reads the rows.
   */
  public Optional<List<Object>> range(String column) {
    String name = columns == null ? column : columns.get(column.toLowerCase(Locale.ROOT));
    Types.NestedField field = name == null ? null : schema.caseInsensitiveFindField(name);
    if (files.isEmpty() || field == null || !supported(field.type())) {
      return Optional.empty();
    }
    Type.PrimitiveType type = field.type().asPrimitiveType();
    Comparator<Object> order = Comparators.forType(type);
    Object lowest = null;
    Object highest = null;
    for (DataFile file : files) {
      Object lower = bound(file.lowerBounds(), field.fieldId(), type);
      Object upper = bound(file.upperBounds(), field.fieldId(), type);
      if (lower == null || upper == null) {
        return Optional.empty();
      }
      lowest = lowest == null || order.compare(lower, lowest) < 0 ? lower : lowest;
      highest = highest == null || order.compare(upper, highest) > 0 ? upper : highest;
    }
    return Optional.of(List.of(convert(type, lowest), convert(type, highest)));
  }

  private static Object bound(Map<Integer, ByteBuffer> bounds, int fieldId, Type.PrimitiveType type) {
    ByteBuffer value = bounds == null ? null : bounds.get(fieldId);
    return value == null ? null : Conversions.fromByteBuffer(type, value);
  }

  private static boolean supported(Type type) {
    return switch (type.typeId()) {
      case STRING, INTEGER, LONG, DECIMAL, DATE, TIMESTAMP -> true;
      default -> false;
    };
  }

  // Iceberg's value of a bound as the Java value a SQL literal is written from.
  private static Object convert(Type type, Object value) {
    return switch (type.typeId()) {
      case STRING -> value.toString();
      case DATE -> LocalDate.ofEpochDay((Integer) value);
      case TIMESTAMP -> {
        Instant instant = Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS);
        yield ((Types.TimestampType) type).shouldAdjustToUTC() ? instant : LocalDateTime.ofInstant(instant,
            ZoneOffset.UTC);
      }
      default -> value; // Integer, Long, BigDecimal
    };
  }
}
