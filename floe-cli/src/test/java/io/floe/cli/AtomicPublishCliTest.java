package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run publishes all its tables at once: a reader polling the catalog while a build publishes
 * three tables never sees some of them at the new state and others at the old one.
 */
class AtomicPublishCliTest {
  private static final List<String> TABLES = List.of("a_totals", "b_totals", "c_totals");

  @TempDir Path project;

  @Test
  void readersNeverSeeSomeTablesOfARunPublishedAndOthersNot() throws Exception {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("models/gold"));
    Files.writeString(project.resolve("floe.yaml"), """
        name: atomic
        engine: {master: "local[2]"}
        namespaces: [raw, gold]
        sources:
          orders: {type: csv, path: landing/orders_*.csv, target: raw.orders}
        """);
    for (String table : TABLES) {
      Files.writeString(project.resolve("models/gold/" + table + ".sql"), """
          {{ config(materialized='table') }}
          select customer, sum(amount) as total from {{ source('raw', 'orders') }} group by customer
          """);
    }
    Files.writeString(project.resolve("landing/orders_1.csv"), "customer,amount\na,1\nb,2\n");
    floe(project, "build").ok();
    Map<String, Long> before = mains();

    Files.writeString(project.resolve("landing/orders_2.csv"), "customer,amount\na,5\n");
    AtomicBoolean building = new AtomicBoolean(true);
    CompletableFuture<List<Map<String, Long>>> seen = CompletableFuture.supplyAsync(() -> {
      List<Map<String, Long>> states = new ArrayList<>();
      while (building.get()) {
        states.add(mains());
      }
      return states;
    });
    String out = floe(project, "build").ok();
    building.set(false);
    List<Map<String, Long>> states = seen.get();
    Map<String, Long> after = mains();

    assertThat(out).contains("Published to main.");
    assertThat(after).allSatisfy((table, snapshot) -> assertThat(snapshot).isNotEqualTo(before.get(table)));
    assertThat(states).isNotEmpty().allSatisfy(state ->
        assertThat(state).as("each observed state is all old or all new").isIn(before, after));
  }

  // Filled by the reader thread and by the test's thread.
  private final Map<String, Long> snapshotOfMetadata = new java.util.concurrent.ConcurrentHashMap<>();

  // Main's snapshot of each table, read from the catalog's database in one statement (one consistent view).
  private Map<String, Long> mains() {
    Map<String, Long> mains = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + project.resolve(".floe/catalog.db"));
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT table_name, metadata_location FROM iceberg_tables"
            + " WHERE table_namespace = 'gold'")) {
      while (rows.next()) {
        String location = rows.getString(2);
        mains.put(rows.getString(1), snapshotOfMetadata.computeIfAbsent(location, AtomicPublishCliTest::mainOf));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return mains;
  }

  private static long mainOf(String metadataLocation) {
    Path file = metadataLocation.startsWith("file:") ? Path.of(URI.create(metadataLocation)) : Path.of(metadataLocation);
    try {
      return new ObjectMapper().readTree(file.toFile()).path("current-snapshot-id").asLong(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
