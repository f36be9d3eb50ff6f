package io.floe.spark.materialize;

import io.floe.spark.FloeEngine;
import java.util.Optional;

/**
 * Turns a model's rendered SELECT into a table (or a view): what {@code materialized='NAME'} asks
 * for. The built-in ones ({@code view}, {@code table}, {@code incremental}, {@code scd2}) and any
 * plug-in are found by name in {@link Materializations}; a plug-in is a class with a public no-arg
 * constructor, listed in its jar's {@code META-INF/services/io.floe.spark.materialize.Materialization}.
 */
public interface Materialization {
  /** The name a model's config asks for, in lower case: {@code materialized='NAME'}. */
  String name();

  /**
   * Whether it makes a view: no snapshots to stage, so during a run it is a session view that later
   * models read, and the catalog view is created when the run publishes.
   */
  default boolean createsView() {
    return false;
  }

  /**
   * Whether it makes nothing: dbt's {@code ephemeral}, whose SELECT every {@code ref()} to it inlines
   * as a subquery; it is never run, written or tested on its own.
   */
  default boolean inlined() {
    return false;
  }

  /**
   * Whether it adds to the rows it wrote before: {@code is_incremental()} is true in its SELECT once
   * the table exists, and {@code --full-refresh} rebuilds the table from the whole SELECT instead.
   */
  default boolean incremental() {
    return false;
  }

  /** What is missing or wrong in the spec's settings for this materialization, checked before any run. */
  default Optional<String> problem(MaterializeSpec spec) {
    return Optional.empty();
  }

  /**
   * Writes the result of {@code select} to the target.
   *
   * @throws io.floe.core.error.FloeException naming the table when the SQL or the write fails
   */
  MaterializeResult materialize(FloeEngine engine, MaterializeSpec spec, String select, WriteTarget target);

  /** The materialization a spec asks for. */
  static Materialization of(MaterializeSpec spec) {
    return Materializations.named(spec.materialized());
  }
}
