package io.floe.ingest.kafka;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.BatchStream;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.RejectedRow;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceColumn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One Kafka topic, read as a stream: each batch starts at the offsets the table's last snapshot
 * holds (see {@link KafkaOffsets}) and ends at a poll boundary, where it learns its end offsets;
 * the engine commits them in the same Iceberg snapshot as the rows. Floe does not rely on Kafka's
 * consumer groups to resume, so a kill between the Iceberg commit and anything after it neither
 * loses nor repeats a record. Transactions are read committed: an aborted producer's records never
 * land.
 */
final class KafkaSource implements Source {
  /** How long a call to the brokers (metadata, offsets) may take before the run fails. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(200);

  private final String name;
  private final String bootstrapServers;
  private final String topic;
  private final RecordFormat format;
  private final int maxRecords;
  private final Duration commitInterval;
  private final String groupId;
  private final Map<String, ConfigValue> properties;
  private final Path projectRoot;
  private KafkaConsumer<byte[], byte[]> consumer;
  /** Where the next batch starts: the position of the table's last commit. */
  private SortedMap<Integer, Long> resumeFrom = new TreeMap<>();

  KafkaSource(String name, String bootstrapServers, String topic, RecordFormat format, int maxRecords,
      Duration commitInterval, String groupId, Map<String, ConfigValue> properties, Path projectRoot) {
    this.name = requireNonNull(name, "name is null");
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    this.topic = requireNonNull(topic, "topic is null");
    this.format = requireNonNull(format, "format is null");
    this.maxRecords = maxRecords;
    this.commitInterval = requireNonNull(commitInterval, "commitInterval is null");
    this.groupId = groupId;
    this.properties = Map.copyOf(properties);
    this.projectRoot = requireNonNull(projectRoot, "projectRoot is null");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Batch> plan(Position committed) {
    throw new UnsupportedOperationException("Source " + name + " reads a Kafka topic: open it instead of planning it");
  }

  @Override
  public BatchStream open(Position committed) {
    return open(committed, ReadOptions.CATCH_UP);
  }

  @Override
  public BatchStream open(Position committed, ReadOptions options) {
    resumeFrom = KafkaOffsets.parse(committed);
    return new Records(options);
  }

  @Override
  public Optional<Boolean> hasNewData(Position committed) {
    try {
      return Optional.of(backlog(KafkaOffsets.parse(committed)).behind() > 0);
    } catch (KafkaException e) {
      throw unreachable(e);
    }
  }

  @Override
  public void committed(Position position) {
    resumeFrom = KafkaOffsets.parse(position);
    if (groupId == null || position.isStart()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    resumeFrom.forEach((partition, offset) ->
        offsets.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset)));
    try {
      consumer().commitSync(offsets, CALL_TIMEOUT);
    } catch (KafkaException e) {
      // Only monitoring reads the group's offsets: the rows and their position are committed already.
      throw FloeException.external(e, "Source %s: the rows up to %s are committed, but setting consumer group %s's"
          + " offsets failed: %s. The next run sets them again.", name, position.value(), groupId, e.getMessage());
    }
  }

  @Override
  public String describe(Position position) {
    return position.isStart() ? "nothing read yet from topic " + topic
        : "offsets " + position.value() + " of topic " + topic + " (partition:next offset)";
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
      consumer = null;
    }
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      Properties config = new Properties();
      properties.forEach((key, value) -> config.put(key, value.resolve(projectRoot)));
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      // A transaction's records count once it committed; an aborted one's never.
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "floe-" + name);
      if (groupId != null) {
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
      }
      try {
        consumer = new KafkaConsumer<>(config);
      } catch (KafkaException e) {
        throw FloeException.user(e, "Cannot create a Kafka consumer for source %s: %s. Check bootstrap-servers and"
            + " properties.", name, e.getMessage());
      }
    }
    return consumer;
  }

  private List<TopicPartition> partitions() {
    List<PartitionInfo> infos = consumer().partitionsFor(topic, CALL_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw FloeException.user("Cannot read source %s: topic %s does not exist on %s. Check the source's 'topic:'"
          + " (Debezium names topics <topic.prefix>.<schema>.<table>).", name, topic, bootstrapServers);
    }
    return infos.stream().map(info -> new TopicPartition(topic, info.partition()))
        .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
  }

  /** Where each partition starts after {@code committed}: its offset there, or its beginning for a new partition. */
  private Map<Integer, Long> start(List<TopicPartition> partitions, Map<Integer, Long> committed) {
    Map<Integer, Long> beginnings = offsets(consumer().beginningOffsets(partitions, CALL_TIMEOUT));
    Map<Integer, Long> start = new TreeMap<>();
    for (TopicPartition partition : partitions) {
      long beginning = beginnings.getOrDefault(partition.partition(), 0L);
      Long offset = committed.get(partition.partition());
      if (offset != null && offset < beginning) {
        throw FloeException.user("Cannot resume source %s: topic %s partition %d now begins at offset %d, but the"
            + " table holds the records before offset %d only; the records between were deleted (retention) before"
            + " Floe read them. Load the topic again (floe ingest %s --full-refresh) or accept the gap by"
            + " raising the offset in a new table.", name, topic, partition.partition(), beginning, offset, name);
      }
      start.put(partition.partition(), offset == null ? beginning : offset);
    }
    return start;
  }

  /** What the topic holds after {@code committed}: its partitions, where each starts and ends now. */
  private record Backlog(List<TopicPartition> partitions, Map<Integer, Long> start, Map<Integer, Long> end) {
    long behind() {
      return KafkaOffsets.distance(start, end);
    }
  }

  private Backlog backlog(Map<Integer, Long> committed) {
    List<TopicPartition> partitions = partitions();
    return new Backlog(partitions, start(partitions, committed),
        offsets(consumer().endOffsets(partitions, CALL_TIMEOUT)));
  }

  private static Map<Integer, Long> offsets(Map<TopicPartition, Long> byPartition) {
    Map<Integer, Long> offsets = new TreeMap<>();
    byPartition.forEach((partition, offset) -> offsets.put(partition.partition(), offset));
    return offsets;
  }

  private FloeException unreachable(KafkaException e) {
    return FloeException.external(e, "Cannot read topic %s for source %s from %s: %s. Check that the brokers run"
        + " and that bootstrap-servers and properties are right.", topic, name, bootstrapServers, e.getMessage());
  }

  private String batchId(Map<Integer, Long> start) {
    return name + "-" + UUID.nameUUIDFromBytes((topic + "|" + KafkaOffsets.position(start).value())
        .getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
  }

  /** The batches of one run: each starts where the last committed one ended. */
  private final class Records implements BatchStream {
    private final ReadOptions options;

    Records(ReadOptions options) {
      this.options = options;
    }

    @Override
    public Optional<Batch> next() {
      try {
        while (true) {
          if (options.stopping()) {
            // Between batches, whatever the backlog: a topic that keeps growing must not keep a stopped
            // follower reading.
            return Optional.empty();
          }
          Backlog backlog = backlog(resumeFrom);
          if (backlog.behind() > 0) {
            return Optional.of(batch(backlog));
          }
          if (!options.follow()) {
            return Optional.empty();
          }
          pause();
        }
      } catch (KafkaException e) {
        throw unreachable(e);
      }
    }

    private Batch batch(Backlog backlog) {
      RowInput input = new RowInput() {
        @Override
        public List<SourceColumn> columns() {
          return format.columns();
        }

        @Override
        public RowStream open() {
          return new TopicRows(backlog.partitions(), backlog.start(), backlog.end(), options);
        }
      };
      return new Batch(batchId(backlog.start()), input, KafkaOffsets.position(backlog.end()), 0,
          "records after " + KafkaOffsets.position(backlog.start()).value() + " of " + topic + ", "
              + backlog.behind() + " behind the topic's end");
    }

    private void pause() {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw FloeException.cancelled("Reading topic %s was interrupted", topic);
      }
    }
  }

  /**
   * A batch's records, polled as the engine asks for rows (one poll's records in memory at a time).
   * The batch ends at a poll boundary: past {@code max-records}, when a stop is requested, and
   * then at the topic's end as it was when the batch began (catching up) or at the commit interval
   * (following).
   */
  private final class TopicRows implements RowStream {
    private final List<TopicPartition> partitions;
    private final Map<Integer, Long> end;
    private final ReadOptions options;
    private final long deadline;
    private final Deque<Object[]> buffer = new ArrayDeque<>();
    private final List<RejectedRow> rejected = new ArrayList<>();
    private long records;
    private Map<Integer, Long> reached;

    TopicRows(List<TopicPartition> partitions, Map<Integer, Long> start, Map<Integer, Long> end,
        ReadOptions options) {
      this.partitions = partitions;
      this.end = end;
      this.options = options;
      this.deadline = System.nanoTime() + commitInterval.toNanos();
      try {
        consumer().assign(partitions);
        partitions.forEach(partition -> consumer.seek(partition, start.get(partition.partition())));
      } catch (KafkaException e) {
        throw unreachable(e);
      }
    }

    @Override
    public boolean hasNext() {
      try {
        while (buffer.isEmpty()) {
          if (reached != null) {
            return false;
          }
          if (finished()) {
            reached = positions();
            return false;
          }
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            records++;
            try {
              Object[] row = format.row(record);
              if (row != null) {
                buffer.add(row);
              }
            } catch (RecordFormat.Unreadable e) {
              rejected.add(new RejectedRow(topic + " partition " + record.partition() + " offset " + record.offset(),
                  RecordFormat.text(record.value()), e.getMessage()));
            }
          }
        }
        return true;
      } catch (KafkaException e) {
        throw unreachable(e);
      }
    }

    private boolean finished() {
      if (records >= maxRecords || options.stopping()) {
        return true;
      }
      if (options.follow()) {
        return System.nanoTime() >= deadline;
      }
      Map<Integer, Long> now = positions();
      return end.entrySet().stream().allMatch(partition -> now.get(partition.getKey()) >= partition.getValue());
    }

    private Map<Integer, Long> positions() {
      Map<Integer, Long> positions = new TreeMap<>();
      for (TopicPartition partition : partitions) {
        positions.put(partition.partition(), consumer.position(partition, CALL_TIMEOUT));
      }
      return positions;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException("No more records in this batch of topic " + topic);
      }
      return buffer.poll();
    }

    @Override
    public Optional<Position> endPosition() {
      return Optional.ofNullable(reached).map(KafkaOffsets::position);
    }

    @Override
    public List<RejectedRow> rejected() {
      return List.copyOf(rejected);
    }

    @Override
    public void close() {
      buffer.clear();
    }
  }
}
