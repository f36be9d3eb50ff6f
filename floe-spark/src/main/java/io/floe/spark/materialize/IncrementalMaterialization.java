package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import java.util.Optional;

/**
 * {@code materialized='incremental'}: new rows meet the table's by the model's
 * {@code incremental_strategy}: appended, merged by {@code unique_key}, or replacing the partitions
 * they fall in.
 */
public final class IncrementalMaterialization implements Materialization {
  /** One way new rows meet the table's: {@code incremental_strategy}. */
  interface Strategy {
    MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target);
  }

  @Override
  public String name() {
    return Materializations.INCREMENTAL;
  }

  @Override
  public boolean incremental() {
    return true;
  }

  @Override
  public Optional<String> problem(MaterializeSpec spec) {
    if (spec.strategy() == MaterializeSpec.Strategy.MERGE && spec.uniqueKey().isEmpty()) {
      return Optional.of("incremental merge needs unique_key. Add it to its config");
    }
    if (spec.strategy() == MaterializeSpec.Strategy.INSERT_OVERWRITE && spec.partitionBy().isEmpty()) {
      return Optional.of("insert_overwrite needs partition_by. Add it to its config, or use merge");
    }
    return Optional.empty();
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    Strategy strategy = switch (spec.strategy()) {
      case APPEND -> new IncrementalAppendMaterialization();
      case MERGE -> new IncrementalMergeMaterialization();
      case INSERT_OVERWRITE -> new InsertOverwriteMaterialization();
    };
    return strategy.materialize(engine, spec, select, target);
  }
}
