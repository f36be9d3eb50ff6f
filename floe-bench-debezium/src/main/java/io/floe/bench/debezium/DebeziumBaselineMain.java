package io.floe.bench.debezium;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CDC benchmark's peer: Debezium's embedded PostgreSQL connector reads an existing slot
 * ({@code pgoutput}, no snapshot) and turns each change into its JSON change event in memory, which
 * it counts; nothing is written anywhere. Prints {@code events=N seconds=S} once {@code --changes}
 * events arrived, measured from the engine's start (connecting included, as Floe's figure includes
 * opening its source).
 *
 * <p>Arguments: {@code --host H --port P --database D --user U --slot S --publication P --table
 * schema.table --changes N [--timeout-seconds T]}.
 */
public final class DebeziumBaselineMain {
  private DebeziumBaselineMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    long expected = Long.parseLong(required(options, "changes"));
    long timeout = Long.parseLong(options.getOrDefault("timeout-seconds", "600"));
    Properties properties = new Properties();
    properties.setProperty("name", "floe-bench-debezium");
    properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    properties.setProperty("offset.flush.interval.ms", "60000");
    properties.setProperty("database.hostname", required(options, "host"));
    properties.setProperty("database.port", required(options, "port"));
    properties.setProperty("database.user", required(options, "user"));
    properties.setProperty("database.password", options.getOrDefault("password", ""));
    properties.setProperty("database.dbname", required(options, "database"));
    properties.setProperty("topic.prefix", "bench");
    properties.setProperty("plugin.name", "pgoutput");
    properties.setProperty("slot.name", required(options, "slot"));
    properties.setProperty("publication.name", required(options, "publication"));
    properties.setProperty("publication.autocreate.mode", "disabled");
    properties.setProperty("table.include.list", required(options, "table"));
    properties.setProperty("snapshot.mode", "no_data");

    AtomicLong events = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
        .using(properties)
        .notifying((ChangeEvent<String, String> event) -> {
          // A change event has a value; a tombstone (after a delete) has none and is not a change.
          if (event.value() != null && events.incrementAndGet() >= expected) {
            done.countDown();
          }
        })
        .build()) {
      executor.execute(engine);
      boolean complete = done.await(timeout, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      long peakHeap = 0;
      for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.HEAP) {
          peakHeap += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf(java.util.Locale.ROOT, "events=%d seconds=%.3f complete=%b peak_heap_bytes=%d%n", events.get(),
          seconds, complete, peakHeap);
      System.out.flush();
    } finally {
      executor.shutdownNow();
    }
    System.exit(0);
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("Invalid arguments: --" + name + " is required");
    }
    return value;
  }
}
