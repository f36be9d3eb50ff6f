package io.floe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.floe.core.project.Project;
import io.floe.ingest.SourceRun;
import io.floe.spark.FloeEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Benchmark 9, a paged JSON API into bronze (issue 18's speed target): a local fixture server on
 * 127.0.0.1 serves {@code records} records, 1,000 a page, by offset. Floe, engine up, ingests them
 * with a {@code type: http} source into a bronze table (typed columns, a nested object flattened,
 * a batch committed every 100 pages, the default). The peer is the plain Java loop a user would
 * write to only read the same pages: {@code java.net.http} and Jackson, every record parsed and
 * counted, nothing written. Pages are rendered once before timing, so the server costs both the
 * same; each tool runs twice untimed before its timed runs.
 */
final class HttpApiBenchmark {
  static final String ID = "http_api";
  static final int PAGE = 1_000;
  /**
   * Untimed runs of each tool first: both are measured with their code compiled, as in a process that
   * keeps ingesting (Floe "engine up"). Without them the loop, measured second, runs on the JIT that
   * Floe's runs warmed (Jackson, the HTTP client), and Floe's figure is mostly compilation: ./bench
   * raises the C2 compiler's thresholds 20x (see the script), so code reaches C2 after about two
   * runs of a million records.
   */
  static final int WARM_UPS = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Runs runs;
  private final Path workDir;
  private final int records;

  HttpApiBenchmark(Runs runs, Path workDir, long records) {
    this.runs = runs;
    this.workDir = workDir;
    this.records = (int) Math.min(records, Integer.MAX_VALUE);
  }

  List<Figure> run() throws Exception {
    List<byte[]> pages = pages(records);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    server.setExecutor(threads);
    server.createContext("/readings", exchange -> {
      String query = exchange.getRequestURI().getQuery();
      int offset = Integer.parseInt(query.replaceAll(".*offset=(\\d+).*", "$1"));
      byte[] body = offset / PAGE < pages.size() ? pages.get(offset / PAGE) : "{\"data\": []}".getBytes(
          StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/readings";
      Path dir = workDir.resolve("floe-http");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(Project.CONFIG_FILE), """
          name: http_bench
          sources:
            readings:
              type: http
              url: %s
              records.path: data
              paginate: {type: offset, size: %d}
              schema: {ts: timestamp}
          """.formatted(url, PAGE));
      try (FloeEngine engine = FloeEngine.open(Project.load(dir))) {
        List<Figure> figures = new ArrayList<>();
        figures.add(runs.measure(ID, "floe", "Floe, engine up: " + records + " records, " + PAGE + " a page, into"
            + " bronze (typed, flattened, committed every 100 pages), after 2 warm-up runs", WARM_UPS,
            () -> engine.sql("DROP TABLE IF EXISTS bronze.readings PURGE", 0),
            () -> ingest(engine),
            () -> BenchChecks.rows("Floe's bronze.readings", FloeIngestBenchmark.count(engine, "bronze.readings"),
                records)));
        long[] counted = new long[1];
        figures.add(runs.measure(ID, "java_http_loop", "plain Java: java.net.http + Jackson, read and count the"
            + " same pages, write nothing, after 2 warm-up runs", WARM_UPS, () -> counted[0] = 0,
            () -> counted[0] = readAll(url),
            () -> BenchChecks.rows("the plain loop's count", counted[0], records)));
        return figures;
      }
    } finally {
      server.stop(0);
      // The server's threads are not daemons: left running, they keep ./bench from exiting.
      threads.shutdownNow();
    }
  }

  private static void ingest(FloeEngine engine) {
    for (SourceRun run : FloeIngestBenchmark.ingest(engine)) {
      if (run.rejects() > 0) {
        throw new BenchException("Cannot trust the figure: " + run.source() + " rejected " + run.rejects()
            + " records");
      }
    }
  }

  // What a user writes to page through the API: request, parse, walk the records, until a short page.
  private static long readAll(String url) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long count = 0;
    for (int offset = 0; ; offset += PAGE) {
      HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url + "?offset=" + offset
          + "&limit=" + PAGE)).build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode data = JSON.readTree(response.body()).get("data");
      int page = 0;
      for (JsonNode record : data) {
        if (record.get("id") != null) {
          page++;
        }
      }
      count += page;
      if (page < PAGE) {
        return count;
      }
    }
  }

  private static List<byte[]> pages(int records) {
    List<byte[]> pages = new ArrayList<>();
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    for (int first = 0; first < records; first += PAGE) {
      StringBuilder page = new StringBuilder("{\"data\": [");
      for (int id = first; id < Math.min(records, first + PAGE); id++) {
        page.append(id > first ? ", " : "").append(String.format(Locale.ROOT, "{\"id\": %d, \"plant\": \"P%03d\","
            + " \"ts\": \"%s\", \"energy_mwh\": %.3f, \"quality\": {\"flag\": \"%s\", \"score\": %d}}", id, id % 500,
            start.plusSeconds(3600L * (id / 500)), (id % 977) / 7.0, id % 50 == 0 ? "estimated" : "actual", id % 100));
      }
      pages.add(page.append("], \"total\": ").append(records).append('}').toString()
          .getBytes(StandardCharsets.UTF_8));
    }
    return pages;
  }
}
