package io.floe.spark.materialize;

import io.floe.core.error.FloeException;
import io.floe.spark.FloeEngine;

/**
 * {@code materialized='ephemeral'}, as in dbt: no table and no view; every model that
 * {@code ref()}s it reads its SELECT inlined as a subquery.
 */
public final class EphemeralMaterialization implements Materialization {
  @Override
  public String name() {
    return Materializations.EPHEMERAL;
  }

  @Override
  public boolean inlined() {
    return true;
  }

  @Override
  public MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target) {
    // The runner never writes an inlined model; reaching this is a bug in the caller.
    throw FloeException.internal("An ephemeral model (%s) has no table to write: it is inlined where it is read.",
        spec.table());
  }
}
