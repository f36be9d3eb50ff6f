package io.floe.ingest;

import io.floe.core.config.ConfigField;
import io.floe.ingest.spi.Batch;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A watermark source that hands rows to the engine (as a JDBC connector does), against the shared
 * contract: it shows the contract and the engine's row path work for non-file connectors.
 */
class RowSourceContractTest extends SourceContractTest {
  private static final Map<Path, List<Long>> TABLES = new ConcurrentHashMap<>();

  @Override
  protected String sourceYaml() {
    return """
          contract:
            type: memory
        """;
  }

  @Override
  protected Map<String, SourceConnector> connectors() {
    return Map.of("memory", new MemoryConnector());
  }

  @Override
  protected void addRows(long from, long to) {
    List<Long> ids = TABLES.computeIfAbsent(projectDir.toAbsolutePath().normalize(), key -> new ArrayList<>());
    for (long id = from; id < to; id++) {
      ids.add(id);
    }
  }

  /** Rows with id above the watermark, seven per batch; the position is the highest id loaded. */
  private static final class MemoryConnector implements SourceConnector {
    @Override
    public Set<String> types() {
      return Set.of("memory");
    }

    @Override
    public List<ConfigField> settings(String type) {
      return List.of();
    }

    @Override
    public Source create(SourceDefinition definition) {
      return new Source() {
        @Override
        public String name() {
          return definition.name();
        }

        @Override
        public List<Batch> plan(Position committed) {
          long watermark = committed.isStart() ? -1 : Long.parseLong(committed.value());
          List<Long> pending = TABLES.getOrDefault(definition.projectRoot(), List.of()).stream()
              .filter(id -> id > watermark).sorted().toList();
          List<Batch> batches = new ArrayList<>();
          for (int i = 0; i < pending.size(); i += 7) {
            List<Long> ids = List.copyOf(pending.subList(i, Math.min(i + 7, pending.size())));
            long last = ids.get(ids.size() - 1);
            batches.add(new Batch("memory-" + last, new Rows(ids), new Position(String.valueOf(last)), 0,
                ids.size() + " rows"));
          }
          return batches;
        }

        @Override
        public String describe(Position position) {
          return "id = " + position.value();
        }
      };
    }
  }

  private record Rows(List<Long> ids) implements RowInput {
    @Override
    public List<SourceColumn> columns() {
      return List.of(new SourceColumn("id", "bigint"), new SourceColumn("name", "string"));
    }

    @Override
    public RowStream open() {
      Iterator<Long> iterator = ids.iterator();
      return new RowStream() {
        @Override
        public boolean hasNext() {
          return iterator.hasNext();
        }

        @Override
        public Object[] next() {
          long id = iterator.next();
          return new Object[] {id, "n" + id};
        }

        @Override
        public void close() {}
      };
    }
  }
}
