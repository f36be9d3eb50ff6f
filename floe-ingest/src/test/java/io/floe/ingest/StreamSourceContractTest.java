package io.floe.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.core.config.ConfigField;
import io.floe.ingest.bronze.BronzeWriter;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.BatchStream;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceConnector;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A stream source against the shared contract: like a replication log, it cannot plan; each batch
 * is built when the engine asks, holds at most {@value #BATCH_ROWS} rows, learns where it ends while
 * it is read, carries nested values, and is told when its rows are committed, never before.
 */
class StreamSourceContractTest extends SourceContractTest {
  private static final int BATCH_ROWS = 7;
  private static final Map<Path, List<Long>> LOGS = new ConcurrentHashMap<>();
  private static final Map<Path, List<String>> ACKNOWLEDGED = new ConcurrentHashMap<>();

  @Override
  protected String sourceYaml() {
    return """
          contract:
            type: log
        """;
  }

  @Override
  protected Map<String, SourceConnector> connectors() {
    return Map.of("log", new LogConnector());
  }

  @Override
  protected void addRows(long from, long to) {
    List<Long> log = LOGS.computeIfAbsent(root(), key -> new CopyOnWriteArrayList<>());
    for (long id = from; id < to; id++) {
      log.add(id);
    }
  }

  @Test
  @Override
  protected void planningIsDeterministicAndAnyPrefixOfBatchesResumes() {
    addRows(0, 20);
    Batch first = firstBatch();

    assertThat(firstBatch().id()).isEqualTo(first.id());
    try (Source source = source(); BatchStream batches = source.open(new Position("6"))) {
      assertThat(batches.next()).map(Batch::id).contains("log-7");
      assertThat(batches.plannedBatches()).isEqualTo(-1);
    }
  }

  @Test
  void aCrashBetweenCommitAndAcknowledgementReplaysNothingTwice() {
    addRows(0, 20);
    SourceDefinition definition = fixture.sources().select(List.of(SOURCE)).get(0);
    // The process dies after the first batch's commit, before the source heard of it.
    new BronzeWriter(fixture.engine()).write(definition, firstBatch(), Position.START, 0, 0);
    assertThat(acknowledged()).isEmpty();

    fixture.ingest(SOURCE);

    assertThat(ids()).containsExactlyElementsOf(range(0, 20));
    // The next run first acknowledges what the table holds, then each batch after its commit.
    assertThat(acknowledged()).containsExactly("6", "13", "19");
    assertThat(fixture.rows("SELECT address.city, tags[0] FROM " + TABLE + " WHERE id = 3"))
        .containsExactly(List.of("city-3", "t3"));
  }

  private List<String> acknowledged() {
    return ACKNOWLEDGED.getOrDefault(root(), List.of());
  }

  private Path root() {
    return projectDir.toAbsolutePath().normalize();
  }

  /** Ids after the committed one, {@value #BATCH_ROWS} per batch; the position is the last id read. */
  private static final class LogConnector implements SourceConnector {
    @Override
    public Set<String> types() {
      return Set.of("log");
    }

    @Override
    public List<ConfigField> settings(String type) {
      return List.of();
    }

    @Override
    public Source create(SourceDefinition definition) {
      Path root = definition.projectRoot();
      return new Source() {
        @Override
        public String name() {
          return definition.name();
        }

        @Override
        public List<Batch> plan(Position committed) {
          throw new UnsupportedOperationException("a log cannot plan; open it");
        }

        @Override
        public BatchStream open(Position committed) {
          long[] readUpTo = {committed.isStart() ? -1 : Long.parseLong(committed.value())};
          return () -> {
            List<Long> next = LOGS.getOrDefault(root, List.of()).stream().filter(id -> id > readUpTo[0])
                .limit(BATCH_ROWS).toList();
            if (next.isEmpty()) {
              return Optional.empty();
            }
            readUpTo[0] = next.get(next.size() - 1);
            // The end is not known up front: the rows tell it as they are read.
            return Optional.of(new Batch("log-" + next.get(0), new Changes(next), committed, 0, next.size() + " changes"));
          };
        }

        @Override
        public void committed(Position position) {
          ACKNOWLEDGED.computeIfAbsent(root, key -> new CopyOnWriteArrayList<>()).add(position.value());
        }

        @Override
        public String describe(Position position) {
          return "log id " + position.value();
        }
      };
    }
  }

  private record Changes(List<Long> ids) implements RowInput {
    @Override
    public List<SourceColumn> columns() {
      return List.of(new SourceColumn("id", "bigint"), new SourceColumn("name", "string"),
          new SourceColumn("tags", "array<string>"), new SourceColumn("address", "struct<city:string,zip:int>"));
    }

    @Override
    public RowStream open() {
      Iterator<Long> iterator = ids.iterator();
      List<Long> read = new ArrayList<>();
      return new RowStream() {
        @Override
        public boolean hasNext() {
          return iterator.hasNext();
        }

        @Override
        public Object[] next() {
          long id = iterator.next();
          read.add(id);
          return new Object[] {id, "n" + id, List.of("t" + id), new Object[] {"city-" + id, (int) id}};
        }

        @Override
        public Optional<Position> endPosition() {
          return read.isEmpty() ? Optional.empty() : Optional.of(new Position(String.valueOf(read.get(read.size() - 1))));
        }

        @Override
        public void close() {}
      };
    }
  }
}
