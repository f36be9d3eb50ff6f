package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.QueryInput;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.Source;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL table as a source. Its position is the watermark of the last committed batch, as
 * PostgreSQL's text for the column's type; a full load has no position and reads everything.
 */
final class PostgresSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSource.class);

  private final String name;
  private final PostgresPlanner planner;
  private final PostgresConnection connection;
  private final int fetchSize;

  PostgresSource(String name, PostgresPlanner planner, PostgresConnection connection, int fetchSize) {
    this.name = requireNonNull(name, "name is null");
    this.planner = requireNonNull(planner, "planner is null");
    this.connection = requireNonNull(connection, "connection is null");
    this.fetchSize = fetchSize;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Batch> plan(Position committed) {
    String position = committed.isStart() ? null : committed.value();
    long start = System.nanoTime();
    List<Batch> batches = planner.plan(planner.isIncremental() ? position : null).stream().map(this::batch).toList();
    LOG.debug("Source {}: planned {} batches in {} ms", name, batches.size(), (System.nanoTime() - start) / 1_000_000);
    return batches;
  }

  private Batch batch(PostgresLoadPlan load) {
    Optional<QueryInput.Split> split = Optional.ofNullable(load.keyRange())
        .map(range -> new QueryInput.Split(range.column(), range.min(), range.max(), load.parallelism()));
    Optional<RowInput> inProcess = load.copyColumns().isEmpty() ? Optional.empty()
        : Optional.of(new PostgresCopyInput(name, connection, load.query(), load.copyColumns()));
    QueryInput input = new QueryInput(connection.url(), connection.properties(), load.query(), split, fetchSize,
        inProcess);
    // A full load reads the table as it is now: each run is a new batch.
    String window = planner.isIncremental() ? load.from() + ".." + load.to()
        : "full@" + System.currentTimeMillis();
    // Stable across re-plans of the same watermark window, so a replayed batch keeps its id.
    String id = name + "-" + UUID.nameUUIDFromBytes((planner.table() + "|" + window)
        .getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
    Position after = planner.isIncremental() ? new Position(load.to()) : new Position("full");
    String description = planner.table() + (planner.isIncremental()
        ? " up to " + load.to() : " (full load)");
    return new Batch(id, input, after, 0, description);
  }

  @Override
  public String describe(Position position) {
    if (position.isStart()) {
      return "not loaded yet";
    }
    return planner.isIncremental() ? "watermark = " + position.value() : "full load";
  }
}
