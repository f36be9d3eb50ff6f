package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once from a paged HTTP API under kill -9: {@code floe ingest} of a {@code type: http}
 * source (offset paging, a batch every 4 pages, appended, so a page loaded twice would show) is
 * SIGKILLed twice at random moments while it pages through a real HTTP server on 127.0.0.1 that
 * answers 429 now and then; a last run finishes. Every record must be in the table once.
 * {@code -Dfloe.test.seed=N} replays one.
 */
class KillDuringHttpIngestTest {
  private static final int RECORDS = 24_000;
  private static final int PAGE = 500;

  @TempDir Path project;
  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/events", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      int offset = Integer.parseInt(query.replaceAll(".*offset=(\\d+).*", "$1"));
      byte[] body;
      int status = 200;
      if (requests.incrementAndGet() % 13 == 0) {
        exchange.getResponseHeaders().add("Retry-After", "0");
        status = 429;
        body = "{\"error\": \"slow down\"}".getBytes(StandardCharsets.UTF_8);
      } else {
        StringBuilder json = new StringBuilder("{\"events\": [");
        for (int id = offset + 1; id <= Math.min(offset + PAGE, RECORDS); id++) {
          json.append(id > offset + 1 ? "," : "").append("{\"id\": ").append(id)
              .append(", \"kind\": \"k").append(id % 7).append("\", \"payload\": {\"n\": ").append(id * 3).append("}}");
        }
        body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
      }
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  @AfterEach
  void stopApi() {
    server.stop(0);
  }

  @Test
  void killedHttpIngestsLoseAndDuplicateNoRecord() throws Exception {
    Files.writeString(project.resolve("floe.yaml"), """
        name: http_crash
        engine: {master: "local[2]"}
        sources:
          events:
            type: http
            url: http://127.0.0.1:%d/events
            records.path: events
            paginate: {type: offset, size: %d}
            batch.max-pages: 4
            retry.backoff: 1ms
        """.formatted(server.getAddress().getPort(), PAGE));
    long seed = Long.getLong("floe.test.seed", System.nanoTime());
    Random random = new Random(seed);
    String first = FloeProcess.killAfter(project, 2, random.nextInt(1500), false, "ingest");
    String second = FloeProcess.killAfter(project, 1, random.nextInt(1500), false, "ingest");
    String kills = "seed " + seed + ": " + first + "; " + second;
    floe(project, "ingest").ok();

    List<String> counts = floe(project, "sql", "-o", "csv", "SELECT count(*), count(DISTINCT id), min(id), max(id),"
        + " sum(payload__n) FROM bronze.events").ok().lines().skip(1).toList();
    assertThat(counts).as(kills).containsExactly(RECORDS + "," + RECORDS + ",1," + RECORDS + ","
        + (3L * RECORDS * (RECORDS + 1) / 2));
  }
}
