package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.util.function.BooleanSupplier;

/**
 * How long one run reads a source.
 *
 * @param follow keep reading after catching up ({@code floe ingest --follow}): a stream source
 *     waits for new changes and ends a batch every commit interval, until {@link #stopRequested}
 * @param stopRequested true once the run should stop (Ctrl-C, SIGTERM, a server shutting down): a
 *     stream ends its batch at the next whole transaction, the engine commits it, and the run ends
 * @param warehouse the project's tables, for a source whose requests depend on them
 */
public record ReadOptions(boolean follow, BooleanSupplier stopRequested, WarehouseQuery warehouse) {
  /** Read what is there now, then stop. */
  public static final ReadOptions CATCH_UP = new ReadOptions(false, () -> false);

  public ReadOptions {
    requireNonNull(stopRequested, "stopRequested is null");
    requireNonNull(warehouse, "warehouse is null");
  }

  public ReadOptions(boolean follow, BooleanSupplier stopRequested) {
    this(follow, stopRequested, WarehouseQuery.NONE);
  }

  /** These options, with the project's tables at hand. */
  public ReadOptions withWarehouse(WarehouseQuery query) {
    return new ReadOptions(follow, stopRequested, query);
  }

  public boolean stopping() {
    return stopRequested.getAsBoolean();
  }
}
