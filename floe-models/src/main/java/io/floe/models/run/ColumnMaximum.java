package io.floe.models.run;

import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Optional;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The largest value of a column of an Iceberg table read from its manifests (each data file's upper
 * bound), so {@code max_of(this, 'column')} needs no query: Spark would plan one and run a job, about
 * a second in a new JVM for each incremental model. The same rule as Spark's aggregate push-down:
 * only where the bounds are exact, else empty and the caller asks the engine.
 */
final class ColumnMaximum {
  private ColumnMaximum() {}

  /**
   * The maximum as Spark's {@code collect} gives it (Java 8 time API), or empty when the manifests
   * cannot tell it exactly: not a plain table ({@code namespace.table}) of the catalog, not a plain
   * column, a type whose bounds may be truncated or hold NaN (strings, floating point), a file with
   * deletes, a file without the column's bound, or no non-null value at all.
   */
  static Optional<Object> of(FloeEngine engine, String relation, String expression) {
    String column = expression.trim();
    if (!column.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      return Optional.empty();
    }
    Optional<Table> table = plainTable(engine, relation);
    if (table.isEmpty() || table.get().currentSnapshot() == null) {
      return Optional.empty();
    }
    Types.NestedField field = table.get().schema().caseInsensitiveFindField(column);
    if (field == null) {
      return Optional.empty();
    }
    Type type = field.type();
    if (!exact(type)) {
      return Optional.empty();
    }
    Object max = null;
    try (CloseableIterable<FileScanTask> tasks = table.get().newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (!task.deletes().isEmpty()) {
          return Optional.empty();
        }
        ByteBuffer upper = file.upperBounds() == null ? null : file.upperBounds().get(field.fieldId());
        if (upper == null) {
          Long nulls = file.nullValueCounts() == null ? null : file.nullValueCounts().get(field.fieldId());
          if (nulls != null && nulls == file.recordCount()) {
            continue;
          }
          return Optional.empty();
        }
        Object value = Conversions.fromByteBuffer(type, upper);
        if (max == null || compare(value, max) > 0) {
          max = value;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the scan of " + relation, e);
    }
    return max == null ? Optional.empty() : Optional.of(asSparkValue(type, max));
  }

  // A name the catalog resolves (namespace.table, with or without the catalog), not a subquery,
  // a quoted name or a branch.
  private static Optional<Table> plainTable(FloeEngine engine, String relation) {
    String name = relation.trim();
    return name.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){1,2}") ? engine.findTable(name)
        : Optional.empty();
  }

  // Types whose upper bound is a value of the column, not truncated (strings) nor possibly NaN (floats).
  private static boolean exact(Type type) {
    return switch (type.typeId()) {
      case INTEGER, LONG, DATE, DECIMAL, TIMESTAMP -> true;
      default -> false;
    };
  }

  @SuppressWarnings("unchecked")
  private static int compare(Object a, Object b) {
    Comparator<Object> order = (Comparator<Object>) (Comparator<?>) Comparator.naturalOrder();
    return order.compare(a, b);
  }

  private static Object asSparkValue(Type type, Object value) {
    return switch (type.typeId()) {
      case DATE -> LocalDate.ofEpochDay((Integer) value);
      case TIMESTAMP -> {
        Instant instant = Instant.EPOCH.plus((Long) value, ChronoUnit.MICROS);
        yield ((Types.TimestampType) type).shouldAdjustToUTC() ? instant
            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
      }
      default -> value;
    };
  }
}
