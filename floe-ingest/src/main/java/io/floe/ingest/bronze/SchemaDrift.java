package io.floe.ingest.bronze;

import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Brings a table's schema up to a batch's columns, as far as Iceberg allows without rewriting data:
 * a new column is added, a column whose source type widened (int to bigint, float to double, a
 * decimal's precision up) is widened, a column the source no longer has stays and gets NULLs. A
 * change Iceberg cannot make fails before anything is committed.
 */
final class SchemaDrift {
  private SchemaDrift() {}

  /**
   * The changes the batch needs, checked; empty when none.
   *
   * @throws FloeException a user error naming the table and column for an incompatible change
   */
  static List<Change> changes(Table table, String tableName, StructType batchColumns, String sourceName,
      MetadataColumns metadata) {
    Schema schema = table.schema();
    List<Change> changes = new ArrayList<>();
    for (StructField field : batchColumns.fields()) {
      if (metadata.contains(field.name())) {
        continue;
      }
      Type sourceType = SparkSchemaUtil.convert(new StructType(new StructField[] {field})).asStruct()
          .fields().get(0).type();
      Types.NestedField column = schema.findField(field.name());
      if (column == null) {
        changes.add(new Change(field.name(), null, sourceType));
      } else if (!sameType(column.type(), field)
          && !(sourceType.isPrimitiveType() && TypeUtil.isPromotionAllowed(sourceType, column.type().asPrimitiveType()))) {
        if (column.type().isPrimitiveType() && sourceType.isPrimitiveType()
            && TypeUtil.isPromotionAllowed(column.type(), sourceType.asPrimitiveType())) {
          changes.add(new Change(field.name(), column.type(), sourceType));
        } else {
          throw FloeException.user("Cannot ingest source '%s' into %s: column '%s' is %s in the table but %s in the "
              + "source, and Iceberg cannot change %s to %s. Declare the column's type in the source's schema, "
              + "or load it into a new column.", sourceName, tableName, field.name(), column.type(), sourceType,
              column.type(), sourceType);
        }
      }
    }
    return changes;
  }

  // Nested Iceberg types carry field ids a converted Spark type cannot match; compare as Spark
  // types, which also ignores nullability.
  private static boolean sameType(Type tableType, StructField field) {
    return SparkSchemaUtil.convert(tableType).sameType(field.dataType());
  }

  /** Commits the changes to the table's schema in one commit (columns are nullable, so old rows read NULL). */
  static void apply(Table table, List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    UpdateSchema update = table.updateSchema();
    for (Change change : changes) {
      if (change.from() == null) {
        update.addColumn(change.column(), change.to());
      } else {
        update.updateColumn(change.column(), change.to().asPrimitiveType());
      }
    }
    update.commit();
  }

  /**
   * One schema change.
   *
   * @param from the column's type in the table, or null for a new column
   */
  record Change(String column, Type from, Type to) {
    @Override
    public String toString() {
      return from == null ? "added " + column + " " + to : "widened " + column + " from " + from + " to " + to;
    }
  }
}
