package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.kafka.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once from a Kafka topic under kill -9: {@code floe ingest --follow} of a {@code kafka}
 * source (Debezium's change events, three partitions) is SIGKILLed at random moments while a
 * transactional producer writes transactions of 1 to 40 events and aborts one in ten. Then a
 * follower is stopped with SIGTERM and a last {@code floe ingest} catches up. Every committed event
 * must be in the change table once, and no aborted one. {@code -Dfloe.test.seed=N} replays one.
 */
class KillDuringKafkaTest {
  private static final String TOPIC = "shop.public.orders";
  private static final int KILLS = 2;
  private static KafkaBroker broker;

  @TempDir Path project;

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaBroker.start(Files.createTempDirectory("floe-kill-kafka"));
    broker.createTopic(TOPIC, 3);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  @Test
  void killedFollowersLoseAndDuplicateNoEvent() throws Exception {
    Files.writeString(project.resolve("floe.yaml"), """
        name: kafka_crash
        engine: {master: "local[2]"}
        sources:
          orders:
            type: kafka
            bootstrap-servers: %s
            topic: %s
            target: raw.orders
            commit-interval: 400ms
            max-records: 2000
        """.formatted(broker.bootstrapServers(), TOPIC));
    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    AtomicBoolean stopProducing = new AtomicBoolean();
    AtomicInteger committed = new AtomicInteger();
    AtomicInteger aborted = new AtomicInteger();
    CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(new Random(seed), stopProducing,
        committed, aborted));
    List<String> kills = new ArrayList<>();
    try {
      for (int kill = 0; kill < KILLS; kill++) {
        kills.add(FloeProcess.killAfter(project, random.nextInt(4), random.nextInt(1500), false, "ingest", "--follow"));
      }
      kills.add(FloeProcess.killAfter(project, 2, 500, true, "ingest", "--follow"));
    } finally {
      stopProducing.set(true);
      producing.get(60, TimeUnit.SECONDS);
    }
    String what = "seed " + seed + ", " + committed.get() + " events committed, " + aborted.get() + " aborted, kills: "
        + kills;
    // The follower stopped with SIGTERM while the producer kept writing committed what it had read and ended.
    FloeProcess.assertLastFollowerStoppedAfterItsWork(project, what);
    floe(project, "ingest").ok();

    String counts = floe(project, "sql", "-o", "csv", "SELECT count(*), count(DISTINCT source_tx_id),"
        + " count_if(data LIKE '%aborted%') FROM raw.orders").ok();
    assertThat(counts.lines().skip(1).findFirst().orElseThrow().replace("\"", ""))
        .as("every committed event once, no aborted one; " + what)
        .isEqualTo(committed.get() + "," + committed.get() + ",0");
  }

  /** Transactions of 1-40 Debezium events, one in ten aborted; each event's txId is unique. */
  private static void produce(Random random, AtomicBoolean stop, AtomicInteger committed, AtomicInteger aborted) {
    long next = 1;
    try (KafkaProducer<String, String> producer = broker.producer("floe-kill-test")) {
      producer.initTransactions();
      while (!stop.get()) {
        boolean abort = random.nextInt(10) == 0;
        int size = 1 + random.nextInt(40);
        producer.beginTransaction();
        for (int i = 0; i < size; i++, next++) {
          String after = "{\"id\":" + next % 500 + ",\"seq\":" + next + (abort ? ",\"note\":\"aborted\"" : "") + "}";
          producer.send(new ProducerRecord<>(TOPIC, "{\"id\":" + next % 500 + "}", "{\"before\":null,\"after\":" + after
              + ",\"source\":{\"connector\":\"postgresql\",\"db\":\"shop\",\"schema\":\"public\",\"table\":\"orders\","
              + "\"txId\":" + next + ",\"lsn\":" + next + ",\"ts_ms\":" + System.currentTimeMillis() + "},\"op\":\"c\","
              + "\"ts_ms\":" + System.currentTimeMillis() + "}"));
        }
        if (abort) {
          producer.abortTransaction();
          aborted.addAndGet(size);
        } else {
          producer.commitTransaction();
          committed.addAndGet(size);
        }
        // About 500 events a second: enough for every follower to commit batches before its kill, and
        // a bounded backlog for the last ingest (unthrottled, it varied this test from 55 s to 166 s).
        Thread.sleep(20 + random.nextInt(40));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
