package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;

/** Turns a model's rendered SELECT into a table (or a view). One implementation per way of doing it. */
public interface Materialization {
  /**
   * Writes the result of {@code select} to the target.
   *
   * @throws io.floe.core.error.FloeException naming the table when the SQL or the write fails
   */
  MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target);

  /** The materialization a spec asks for. */
  static Materialization of(MaterializeSpec spec) {
    return switch (spec.kind()) {
      case VIEW -> new ViewMaterialization();
      case TABLE -> new TableReplaceMaterialization();
      case SCD2 -> new Scd2Materialization();
      case INCREMENTAL -> switch (spec.strategy()) {
        case APPEND -> new IncrementalAppendMaterialization();
        case MERGE -> new IncrementalMergeMaterialization();
        case INSERT_OVERWRITE -> new InsertOverwriteMaterialization();
      };
    };
  }
}
