package io.floe.spark.materialize;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows a write added or changed, as a session view that the model's tests read. The view is made
 * when a test first asks for its name, not by the write: a run without tests (the vault's loads in the
 * benchmark, {@code floe run}) would have Spark analyze a read of each model's new files for nothing,
 * about 5% of the CPU of a steady load of the meter vault.
 */
public final class WrittenRowsView {
  private final SparkSession session;
  private final Supplier<Dataset<Row>> rows;
  private String name;
  private boolean dropped;

  /** The view of {@code rows}, made by {@code session} when first asked for. */
  WrittenRowsView(SparkSession session, Supplier<Dataset<Row>> rows) {
    this.session = requireNonNull(session, "session is null");
    this.rows = requireNonNull(rows, "rows is null");
  }

  /** The view's name, registering it in the session now if it was not yet. */
  public synchronized String name() {
    if (dropped) {
      throw new IllegalStateException("The view of the written rows was dropped");
    }
    if (name == null) {
      String view = "floe_written_" + UUID.randomUUID().toString().replace("-", "");
      rows.get().createOrReplaceTempView(view);
      name = view;
    }
    return name;
  }

  /** The view's name if it was made. */
  public synchronized Optional<String> made() {
    return Optional.ofNullable(name);
  }

  /** Drops the view if it was made; it cannot be made after. */
  public synchronized void drop() {
    dropped = true;
    if (name != null) {
      session.catalog().dropTempView(name);
    }
  }
}
