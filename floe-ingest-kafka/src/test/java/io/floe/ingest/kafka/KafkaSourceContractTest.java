package io.floe.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.SourceContractTest;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.BatchStream;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.Source;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kafka source against the shared contract, on a real broker: JSON records of a topic with two
 * partitions, a few records per poll and per batch, so each run reads several batches.
 */
class KafkaSourceContractTest extends SourceContractTest {
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static KafkaBroker broker;
  private String topic;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(Files.createTempDirectory("floe-kafka-contract"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Override
  protected String sourceYaml() {
    topic = "contract-" + TOPICS.incrementAndGet();
    try {
      broker.createTopic(topic, 2);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot create topic " + topic, e);
    }
    return """
          contract:
            type: kafka
            bootstrap-servers: %s
            topic: %s
            format: json
            schema: {id: bigint, name: string}
            max-records: 7
            properties: {max.poll.records: "4"}
        """.formatted(broker.bootstrapServers(), topic);
  }

  @Override
  protected void addRows(long from, long to) throws Exception {
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (long id = from; id < to; id++) {
      records.add(new ProducerRecord<>(topic, String.valueOf(id), "{\"id\": " + id + ", \"name\": \"n" + id + "\"}"));
    }
    broker.send(topic, records);
  }

  /** A topic cannot plan; opened twice from one position it gives the same batch, and resumes from any. */
  @Test
  @Override
  protected void planningIsDeterministicAndAnyPrefixOfBatchesResumes() {
    addRowsUnchecked(0, 20);
    Batch first = firstBatch();

    assertThat(firstBatch().id()).isEqualTo(first.id());
    fixture.ingest(SOURCE);
    Position end = fixture.ingestion().state(fixture.sources().select(List.of(SOURCE)).get(0)).position();
    try (Source source = source(); BatchStream batches = source.open(end)) {
      assertThat(batches.next()).isEmpty();
      assertThat(batches.plannedBatches()).isEqualTo(-1);
    }
    try (Source source = source(); BatchStream batches = source.open(new Position("0:0,1:0"))) {
      assertThat(batches.next()).map(Batch::id).contains(first.id());
    }
    assertThat(source().describe(new Position("0:3,1:4"))).contains("0:3,1:4").contains(topic);
  }

  private void addRowsUnchecked(long from, long to) {
    try {
      addRows(from, to);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
