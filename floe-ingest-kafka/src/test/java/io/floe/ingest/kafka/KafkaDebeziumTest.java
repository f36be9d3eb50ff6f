package io.floe.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.ingest.IngestFixture;
import io.floe.ingest.SourceRun;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.SourceDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium's change events from a real broker into the raw change table that the postgres-cdc
 * source writes (seed 003's raw shape), so the models over one read the other; transactions read
 * committed; following until stopped; the consumer group's offsets set after each commit.
 */
class KafkaDebeziumTest {
  private static KafkaBroker broker;

  @TempDir Path projectDir;
  private IngestFixture fixture;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(Files.createTempDirectory("floe-kafka-debezium"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeEngine() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void changeEventsLandInTheRawShapeWithTombstonesSkippedAndBadRecordsRejected() throws Exception {
    String topic = "bank.public.users";
    broker.createTopic(topic, 1);
    fixture = new IngestFixture(projectDir, source("users", topic, "raw_data.users", ""), null);
    broker.send(topic, List.of(
        // The JSON converter's schema envelope, as Debezium writes with schemas.enable=true (the default).
        new ProducerRecord<>(topic, "{\"id\":1}", "{\"schema\":{\"type\":\"struct\"},\"payload\":" + event("c", "null",
            "{\"id\":1,\"name\":\"ann\"}", 501, 120) + "}"),
        new ProducerRecord<>(topic, "{\"id\":1}", event("u", "null", "{\"id\":1,\"name\":\"anna\"}", 502, 130)),
        new ProducerRecord<>(topic, "{\"id\":1}", event("d", "{\"id\":1,\"name\":\"anna\"}", "null", 503, 140)),
        new ProducerRecord<>(topic, "{\"id\":1}", null),
        new ProducerRecord<>(topic, "{\"id\":2}", "not json"),
        new ProducerRecord<>(topic, "{\"id\":3}", "{\"id\":3}")));

    SourceRun run = fixture.ingest("users").get(0);

    assertThat(run.rowsWritten()).isEqualTo(3);
    assertThat(run.rejects()).isEqualTo(2);
    assertThat(run.position()).contains("0:6");
    assertThat(fixture.rows("SELECT data, op, ts_ms, source_ts_ms, source_tx_id, source_lsn, source_commit_lsn,"
        + " source_connector, source_db, source_schema, source_table FROM raw_data.users ORDER BY source_lsn"))
        .containsExactly(
            List.of("{\"id\":1,\"name\":\"ann\"}", "c", 1700000000999L, 1700000000501L, 501L, 120L, 100L,
                "postgresql", "bank", "public", "users"),
            List.of("{\"id\":1,\"name\":\"anna\"}", "u", 1700000000999L, 1700000000502L, 502L, 130L, 100L,
                "postgresql", "bank", "public", "users"),
            // A delete's row is its before-image, as the postgres-cdc source writes it.
            List.of("{\"id\":1,\"name\":\"anna\"}", "d", 1700000000999L, 1700000000503L, 503L, 140L, 100L,
                "postgresql", "bank", "public", "users"));
    assertThat(fixture.rows("SELECT raw, reason FROM raw_data.users__rejects ORDER BY raw")).containsExactly(
        List.of("not json", "a JSON value was expected, but it does not parse: Unrecognized token 'not': was"
            + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
        List.of("{\"id\":3}", "a Debezium change event (an object with op, before, after and source) was expected,"
            + " but the value has no text field op"));
    assertThat(fixture.rows("SELECT file FROM raw_data.users__rejects ORDER BY raw").toString())
        .contains("bank.public.users partition 0 offset 4");

    // Nothing new: no batch, no commit.
    assertThat(fixture.ingest("users").get(0).batches()).isZero();
  }

  @Test
  void onlyCommittedTransactionsLandAndAnOpenOneWaitsForItsCommit() throws Exception {
    String topic = "tx.public.accounts";
    broker.createTopic(topic, 1);
    fixture = new IngestFixture(projectDir, source("accounts", topic, "raw_data.accounts", ""), null);
    try (KafkaProducer<String, String> producer = broker.producer("floe-test-tx")) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "a", event("c", "null", "{\"id\":10}", 10, 10)));
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "b", event("c", "null", "{\"id\":11}", 11, 11)));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "c", event("c", "null", "{\"id\":12}", 12, 12))).get();

      fixture.ingest("accounts");
      assertThat(txIds("raw_data.accounts")).containsExactly(11L);

      producer.commitTransaction();
    }
    fixture.ingest("accounts");
    assertThat(txIds("raw_data.accounts")).containsExactly(11L, 12L);
  }

  @Test
  void aFollowerCommitsEveryIntervalUntilStoppedAndSetsTheGroupsOffsets() throws Exception {
    String topic = "follow.public.users";
    broker.createTopic(topic, 3);
    fixture = new IngestFixture(projectDir, source("users", topic, "raw_data.users",
        "    commit-interval: 300ms\n    group-id: floe-users\n"), null);
    SourceDefinition definition = fixture.sources().select(List.of("users")).get(0);
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<SourceRun> following = CompletableFuture.supplyAsync(() -> fixture.ingestion()
        .run(definition, (source, batch, result, done, total, bytes, bytesTotal, elapsed) -> { },
            new ReadOptions(true, stop::get)));
    int sent = 0;
    for (int round = 0; round < 5; round++) {
      List<ProducerRecord<String, String>> records = new ArrayList<>();
      for (int i = 0; i < 40; i++, sent++) {
        records.add(new ProducerRecord<>(topic, "k" + sent, event("c", "null", "{\"id\":" + sent + "}", sent, sent)));
      }
      broker.send(topic, records);
      Thread.sleep(400);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((Long) fixture.value("SELECT count(*) FROM raw_data.users") < sent && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    stop.set(true);
    SourceRun run = following.get(60, TimeUnit.SECONDS);

    assertThat(run.batches()).isGreaterThan(1);
    assertThat(fixture.value("SELECT count(*) FROM raw_data.users")).isEqualTo((long) sent);
    assertThat(fixture.value("SELECT count(DISTINCT source_tx_id) FROM raw_data.users")).isEqualTo((long) sent);
    // The group's offsets equal the table's position, partition by partition: Kafka's lag tools see it.
    String position = fixture.ingestion().state(definition).position().value();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("floe-users").partitionsToOffsetAndMetadata().get();
      StringBuilder group = new StringBuilder();
      for (int partition = 0; partition < 3; partition++) {
        group.append(partition == 0 ? "" : ",").append(partition).append(':')
            .append(offsets.get(new TopicPartition(topic, partition)).offset());
      }
      assertThat(group.toString()).isEqualTo(position);
    }
  }

  @Test
  void aMissingTopicAndAJsonSourceWithoutSchemaSayWhatToDo() {
    fixture = new IngestFixture(projectDir, source("users", "no.such.topic", "raw_data.users", ""), null);
    assertThatThrownBy(() -> fixture.ingest("users")).isInstanceOf(FloeException.class)
        .hasMessageContaining("topic no.such.topic does not exist on " + broker.bootstrapServers());

    fixture.writeConfig("  plain:\n    type: kafka\n    bootstrap-servers: " + broker.bootstrapServers()
        + "\n    topic: t\n    format: json\n");
    // Checked when the project loads, before anything runs: the file and line of the setting.
    assertThatThrownBy(() -> fixture.ingest("plain")).isInstanceOf(FloeException.class)
        .hasMessageStartingWith("floe.yaml:7: Cannot configure sources.plain: format: json reads each record into"
            + " the columns of schema:, and none is declared");
  }

  private List<Long> txIds(String table) {
    return fixture.rows("SELECT source_tx_id FROM " + table + " ORDER BY source_tx_id").stream()
        .map(row -> (Long) row.get(0)).toList();
  }

  private String source(String name, String topic, String target, String extra) {
    return "  " + name + ":\n    type: kafka\n    bootstrap-servers: " + broker.bootstrapServers() + "\n    topic: "
        + topic + "\n    target: " + target + "\n" + extra;
  }

  /** A Debezium PostgreSQL change event without the schema envelope (schemas.enable=false). */
  private static String event(String op, String before, String after, long txId, long lsn) {
    return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"version\":\"3.6.1.Final\","
        + "\"connector\":\"postgresql\",\"name\":\"bank\",\"ts_ms\":" + (1700000000000L + txId) + ",\"snapshot\":"
        + "\"false\",\"db\":\"bank\",\"sequence\":\"[\\\"100\\\",\\\"" + lsn + "\\\"]\",\"schema\":\"public\","
        + "\"table\":\"users\",\"txId\":" + txId + ",\"lsn\":" + lsn + ",\"xmin\":null},\"op\":\"" + op + "\","
        + "\"ts_ms\":1700000000999,\"transaction\":null}";
  }
}
