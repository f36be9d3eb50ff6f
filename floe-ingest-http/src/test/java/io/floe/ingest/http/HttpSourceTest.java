package io.floe.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.ingest.IngestFixture;
import io.floe.ingest.SourceRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/JSON APIs read into bronze tables, against real HTTP servers on 127.0.0.1. */
class HttpSourceTest {
  @TempDir Path projectDir;
  private final ApiServer api = new ApiServer();
  private IngestFixture fixture;

  @AfterEach
  void close() {
    if (fixture != null) {
      fixture.close();
    }
    api.close();
  }

  /** 25 plants served 10 a page, behind a bearer token; page 2 is refused with 429 once, page 3 with 503 once. */
  private void plants(int count) {
    AtomicInteger throttled = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    api.on("/plants", request -> {
      if (!"Bearer s3cret".equals(request.headers().get("authorization"))) {
        return new ApiServer.Reply(401, "{\"error\": \"unknown token\"}", Map.of());
      }
      int page = Integer.parseInt(request.param("page"));
      int size = Integer.parseInt(request.param("size"));
      if (page == 2 && throttled.getAndIncrement() == 0) {
        return new ApiServer.Reply(429, "{\"error\": \"slow down\"}", Map.of("Retry-After", "0"));
      }
      if (page == 3 && failed.getAndIncrement() == 0) {
        return new ApiServer.Reply(503, "busy", Map.of());
      }
      List<String> rows = new ArrayList<>();
      for (int i = (page - 1) * size + 1; i <= Math.min(count, page * size); i++) {
        rows.add("{\"code\": \"P" + i + "\", \"capacity_mw\": " + (i * 1.5) + ", \"location\": {\"lat\": -" + i
            + ".5, \"lng\": 150}, \"units\": [\"U" + i + "\"]}");
      }
      return ApiServer.Reply.json("{\"data\": [" + String.join(",", rows) + "], \"total_records\": " + count + "}");
    });
  }

  private String plantsSource(String extra) {
    return "  plants:\n    type: http\n    url: " + api.url("/plants") + "\n    params: {network: NEM}\n"
        + "    auth: {type: bearer, token: '${file:token.txt}'}\n    records.path: data[]\n"
        + "    paginate: {type: page-number, size-param: size, size: 10, total-path: total_records}\n"
        + "    retry.backoff: 1ms\n    mode: upsert\n    primary-key: [code]\n" + extra;
  }

  @Test
  void pagesLoadOnceThroughA429AndA503WithNestedObjectsFlattened() {
    plants(25);
    fixture = new IngestFixture(projectDir, plantsSource(""), null);
    fixture.write("token.txt", "s3cret");
    SourceRun run = fixture.ingest("plants").get(0);
    assertThat(run.rowsWritten()).isEqualTo(25);
    assertThat(fixture.rows("SELECT code, capacity_mw, location__lat, location__lng, units FROM bronze.plants"
        + " WHERE code IN ('P1', 'P25') ORDER BY code").toString())
        .isEqualTo("[[P1, 1.5, -1.5, 150, [\"U1\"]], [P25, 37.5, -25.5, 150, [\"U25\"]]]");
    // Three pages, each asked once more after its refusal; the total ends paging without an empty page.
    assertThat(api.requests()).extracting(r -> r.param("page")).containsExactly("1", "2", "2", "3", "3");
    assertThat(api.requests().get(0).query()).containsEntry("network", "NEM").containsEntry("size", "10");

    // A source without windows reads everything again; upsert keeps one row per plant.
    SourceRun again = fixture.ingest("plants").get(0);
    assertThat(again.rowsRead()).isEqualTo(25);
    assertThat(fixture.value("SELECT count(*) FROM bronze.plants")).isEqualTo(25L);
    assertThat(again.position()).contains("run 2 complete");
  }

  @Test
  void aRefusalIsOneLineWithTheUrlButNoSecret() {
    plants(3);
    fixture = new IngestFixture(projectDir, plantsSource("    params: {network: NEM, key: '${file:token.txt}'}\n")
        .replace("    params: {network: NEM}\n", ""), null);
    fixture.write("token.txt", "wrong");
    assertThatThrownBy(() -> fixture.ingest("plants"))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("Source 'plants': GET " + api.url("/plants") + "?network=NEM&key=***&page=1&size=10"
            + " returned 401: {\"error\": \"unknown token\"}")
        .hasMessageContaining("Check the source's auth settings")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void aKilledRunResumesAtThePageAfterTheLastCommittedBatch() {
    AtomicInteger failFrom = new AtomicInteger(4);
    api.on("/events", request -> {
      int offset = Integer.parseInt(request.param("offset"));
      int page = offset / 5 + 1;
      if (page >= failFrom.get()) {
        return new ApiServer.Reply(500, "down", Map.of());
      }
      List<String> rows = new ArrayList<>();
      for (int i = offset + 1; i <= Math.min(offset + 5, 32); i++) {
        rows.add("{\"id\": " + i + ", \"at\": \"2026-11-0" + (1 + i % 9) + "T10:00:00Z\"}");
      }
      return ApiServer.Reply.json("[" + String.join(",", rows) + "]");
    });
    fixture = new IngestFixture(projectDir, "  events:\n    type: http\n    url: " + api.url("/events") + "\n"
        + "    paginate: {type: offset, size: 5}\n    batch.max-pages: 1\n    retry.attempts: 0\n"
        + "    schema: {id: bigint, at: timestamp}\n", null);
    assertThatThrownBy(() -> fixture.ingest("events")).hasMessageContaining("returned 500");
    assertThat(fixture.value("SELECT count(*) FROM bronze.events")).isEqualTo(15L);

    failFrom.set(Integer.MAX_VALUE);
    api.forget();
    SourceRun resumed = fixture.ingest("events").get(0);
    // The three pages committed are not asked again; the run goes on from offset 15.
    assertThat(api.requests().get(0).param("offset")).isEqualTo("15");
    assertThat(resumed.rowsWritten()).isEqualTo(17);
    assertThat(fixture.rows("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM bronze.events").toString())
        .isEqualTo("[[32, 32, 1, 32]]");
    // Flat rows appended take the DuckDB path (Parquet written by DuckDB, committed by Iceberg).
    assertThat(fixture.value("SELECT count(*) FROM bronze.events.files WHERE file_path NOT LIKE '%/floe-%.parquet'"))
        .isEqualTo(0L);
  }

  @Test
  void windowsItemsAndParallelArraysBecomeRowsAndALaterRunReadsOnlyNewWindows() {
    api.on("/archive", request -> {
      String start = request.param("start_date");
      String end = request.param("end_date");
      StringBuilder times = new StringBuilder();
      StringBuilder temps = new StringBuilder();
      for (java.time.LocalDate day = java.time.LocalDate.parse(start); !day.isAfter(java.time.LocalDate.parse(end));
          day = day.plusDays(1)) {
        for (int hour = 0; hour < 24; hour += 12) {
          times.append(times.length() > 0 ? "," : "").append(String.format("\"%sT%02d:00\"", day, hour));
          temps.append(temps.length() > 0 ? "," : "").append(request.param("latitude").startsWith("-") ? 20 : 5);
        }
      }
      return ApiServer.Reply.json("{\"latitude\": " + request.param("latitude") + ", \"hourly_units\": {\"time\":"
          + " \"iso8601\"}, \"hourly\": {\"time\": [" + times + "], \"temperature_2m\": [" + temps + "]}}");
    });
    String source = "  weather:\n    type: http\n    url: " + api.url("/archive") + "\n"
        + "    params: {latitude: '{{ item.lat }}', longitude: '{{ item.lon }}', start_date: '{{ window.start_date }}',"
        + " end_date: '{{ window.end_date }}'}\n"
        + "    items:\n      list:\n        sydney: {lat: -33.9, lon: 151.2}\n        oslo: {lat: 59.9, lon: 10.7}\n"
        + "      columns: [key]\n"
        + "    records: {path: hourly, zip: true, fields: {time: time, temperature: temperature_2m,"
        + " latitude: $.latitude}}\n"
        + "    schema: {time: timestamp}\n"
        + "    window: {start: 2024-01-01, size: 2d, end: %s}\n";
    fixture = new IngestFixture(projectDir, source.formatted("2024-01-05"), null);
    SourceRun first = fixture.ingest("weather").get(0);
    // Two windows of two days for each of two places, two readings a day.
    assertThat(first.rowsWritten()).isEqualTo(16);
    assertThat(api.requests()).extracting(r -> r.param("latitude") + " " + r.param("start_date") + ".."
        + r.param("end_date")).containsExactly("59.9 2024-01-01..2024-01-02", "-33.9 2024-01-01..2024-01-02",
        "59.9 2024-01-03..2024-01-04", "-33.9 2024-01-03..2024-01-04");
    assertThat(fixture.rows("SELECT key, time, temperature, latitude FROM bronze.weather"
        + " ORDER BY key, time LIMIT 2").toString())
        .isEqualTo("[[oslo, 2024-01-01T00:00:00Z, 5, 59.9], [oslo, 2024-01-01T12:00:00Z, 5, 59.9]]");

    api.forget();
    fixture.writeConfig(source.formatted("2024-01-06"));
    SourceRun second = fixture.ingest("weather").get(0);
    assertThat(api.requests()).extracting(r -> r.param("start_date") + ".." + r.param("end_date"))
        .containsExactly("2024-01-05..2024-01-05", "2024-01-05..2024-01-05");
    assertThat(second.rowsWritten()).isEqualTo(4);
    assertThat(fixture.value("SELECT count(DISTINCT concat(key, time)) FROM bronze.weather")).isEqualTo(20L);
  }

  @Test
  void nestedResultListsTakeTheirEnclosingElementsAndTheCursorIsSentOnTheNextRun() {
    AtomicInteger latest = new AtomicInteger(3);
    api.on("/data", request -> {
      String since = request.param("since");
      String token = request.param("cursor");
      List<String> points = new ArrayList<>();
      int from = token == null ? 1 : Integer.parseInt(token);
      for (int hour = from; hour < Math.min(from + 2, latest.get() + 1); hour++) {
        String ts = String.format("2024-01-01T%02d:00:00+10:00", hour);
        if (since == null || ts.compareTo(since) > 0 || since.endsWith("Z")) {
          points.add("[\"" + ts + "\", " + hour + ".5]");
        }
      }
      String next = from + 2 <= latest.get() ? "\"" + (from + 2) + "\"" : "null";
      return ApiServer.Reply.json("{\"data\": [{\"metric\": \"energy\", \"results\": [{\"columns\": {\"unit_code\":"
          + " \"BANN1\"}, \"data\": [" + String.join(",", points) + "]}]}], \"meta\": {\"next\": " + next + "}}");
    });
    String source = "  generation:\n    type: http\n    url: " + api.url("/data") + "\n"
        + "    params: {since: '{{ incremental.start }}'}\n"
        + "    records.path: data[].results[].data[]\n"
        + "    records.fields: {ts: '[0]', energy: '[1]', unit_code: ^.columns.unit_code, metric: ^^.metric}\n"
        + "    schema: {ts: timestamp}\n"
        + "    paginate: {type: cursor, cursor-path: meta.next}\n"
        + "    incremental: {cursor-field: ts, initial: '2024-01-01T00:00:00Z', look-back: 1h}\n"
        + "    mode: upsert\n    primary-key: [unit_code, ts]\n";
    fixture = new IngestFixture(projectDir, source, null);
    fixture.ingest("generation");
    assertThat(fixture.rows("SELECT ts, energy, unit_code, metric FROM bronze.generation ORDER BY ts").toString())
        .isEqualTo("[[2023-12-31T15:00:00Z, 1.5, BANN1, energy], [2023-12-31T16:00:00Z, 2.5, BANN1, energy],"
            + " [2023-12-31T17:00:00Z, 3.5, BANN1, energy]]");
    assertThat(api.requests()).extracting(r -> r.param("since") + " " + r.param("cursor"))
        .containsExactly("2024-01-01T00:00:00Z null", "2024-01-01T00:00:00Z 3");

    latest.set(5);
    api.forget();
    fixture.ingest("generation");
    // The largest ts committed (17:00 UTC), less the look-back of an hour.
    assertThat(api.requests().get(0).param("since")).isEqualTo("2023-12-31T16:00:00Z");
    assertThat(fixture.value("SELECT count(*) FROM bronze.generation")).isEqualTo(5L);
  }

  @Test
  void linkHeadersNextLinksAndOauth2ClientCredentials() {
    AtomicInteger tokens = new AtomicInteger();
    api.on("/oauth/token", request -> {
      assertThat(request.body()).contains("grant_type=client_credentials").contains("client_id=floe")
          .contains("client_secret=hush");
      return ApiServer.Reply.json("{\"access_token\": \"t" + tokens.incrementAndGet() + "\", \"expires_in\": 3600}");
    });
    api.on("/linked", request -> {
      if (!"Bearer t1".equals(request.headers().get("authorization"))) {
        return new ApiServer.Reply(401, "{}", Map.of());
      }
      int page = request.param("p") == null ? 1 : Integer.parseInt(request.param("p"));
      Map<String, String> headers = page < 3 ? Map.of("Link", "<" + api.url("/linked") + "?p=" + (page + 1)
          + ">; rel=\"next\", <" + api.url("/linked") + "?p=3>; rel=\"last\"") : Map.of();
      return new ApiServer.Reply(200, "[{\"n\": " + page + "}]", headers);
    });
    api.on("/next", request -> {
      int page = request.param("p") == null ? 1 : Integer.parseInt(request.param("p"));
      String next = page < 2 ? "\"/next?p=" + (page + 1) + "\"" : "null";
      return ApiServer.Reply.json("{\"items\": [{\"n\": " + page + "}], \"links\": {\"next\": " + next + "}}");
    });
    fixture = new IngestFixture(projectDir, "  linked:\n    type: http\n    url: " + api.url("/linked") + "\n"
        + "    paginate.type: link-header\n"
        + "    auth: {type: oauth2, token-url: " + api.url("/oauth/token") + ", client-id: floe,"
        + " client-secret: '${file:secret.txt}'}\n"
        + "  next:\n    type: http\n    url: " + api.url("/next") + "\n    records.path: items\n"
        + "    paginate: {type: next-link, next-path: links.next}\n", null);
    fixture.write("secret.txt", "hush");
    fixture.ingest();
    assertThat(fixture.rows("SELECT n FROM bronze.linked ORDER BY n").toString()).isEqualTo("[[1], [2], [3]]");
    assertThat(fixture.rows("SELECT n FROM bronze.next ORDER BY n").toString()).isEqualTo("[[1], [2]]");
    assertThat(tokens.get()).isEqualTo(1);
  }

  @Test
  void basicAuthAnApiKeyHeaderATimeoutRetriedAndARetryAfterWaitedFor() {
    AtomicInteger slow = new AtomicInteger();
    api.on("/basic", request -> {
      String expected = "Basic " + java.util.Base64.getEncoder().encodeToString("reader:pw".getBytes());
      if (!expected.equals(request.headers().get("authorization"))) {
        return new ApiServer.Reply(401, "{}", Map.of());
      }
      if (slow.getAndIncrement() == 0) {
        sleep(1500);
      }
      return ApiServer.Reply.json("[{\"n\": 1}]");
    });
    AtomicInteger throttled = new AtomicInteger();
    api.on("/keyed", request -> {
      if (!"k3y".equals(request.headers().get("x-api-key"))) {
        return new ApiServer.Reply(403, "{}", Map.of());
      }
      return throttled.getAndIncrement() == 0 ? new ApiServer.Reply(429, "{}", Map.of("Retry-After", "1"))
          : ApiServer.Reply.json("[{\"n\": 2}]");
    });
    fixture = new IngestFixture(projectDir, "  basic:\n    type: http\n    url: " + api.url("/basic") + "\n"
        + "    auth: {type: basic, username: reader, password: '${file:pw.txt}'}\n    timeout: 500ms\n"
        + "    retry.backoff: 1ms\n"
        + "  keyed:\n    type: http\n    url: " + api.url("/keyed") + "\n"
        + "    auth: {type: api-key, token: '${file:key.txt}'}\n", null);
    fixture.write("pw.txt", "pw");
    fixture.write("key.txt", "k3y");
    fixture.ingest("basic");
    // The first request timed out after 500 ms and was sent again (again, on a machine slow enough).
    assertThat(slow.get()).isGreaterThanOrEqualTo(2);
    assertThat(fixture.value("SELECT n FROM bronze.basic")).isEqualTo(1L);

    long start = System.nanoTime();
    fixture.ingest("keyed");
    assertThat(System.nanoTime() - start).as("waited for Retry-After: 1").isGreaterThanOrEqualTo(1_000_000_000L);
    assertThat(fixture.value("SELECT n FROM bronze.keyed")).isEqualTo(2L);
  }

  @Test
  void concurrencyAndRequestRateAreLimits() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
    api.on("/item", request -> {
      most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      sleep(100);
      inFlight.decrementAndGet();
      return ApiServer.Reply.json("[{\"n\": " + request.param("n") + "}]");
    });
    api.on("/paced", request -> {
      starts.add(System.nanoTime());
      return ApiServer.Reply.json("[{\"n\": " + request.param("n") + "}]");
    });
    StringBuilder items = new StringBuilder();
    for (int i = 1; i <= 6; i++) {
      items.append("        i").append(i).append(": {n: ").append(i).append("}\n");
    }
    fixture = new IngestFixture(projectDir, "  items:\n    type: http\n    url: " + api.url("/item") + "\n"
        + "    params: {n: '{{ item.n }}'}\n    items:\n      list:\n" + items + "    concurrency: 2\n"
        + "  paced:\n    type: http\n    url: " + api.url("/paced") + "\n"
        + "    params: {n: '{{ item.n }}'}\n    items:\n      list:\n" + items + "    requests-per-second: '10'\n",
        null);
    SourceRun run = fixture.ingest("items").get(0);
    assertThat(run.rowsWritten()).isEqualTo(6);
    // Two items' series at a time, never more: a batch each.
    assertThat(run.batches()).isEqualTo(3);
    assertThat(most.get()).isEqualTo(2);

    assertThat(fixture.ingest("paced").get(0).rowsWritten()).isEqualTo(6);
    // Ten a second: six requests span at least half a second (unpaced, they take a few milliseconds).
    List<Long> sorted = new ArrayList<>(starts);
    sorted.sort(null);
    assertThat(sorted).hasSize(6);
    assertThat(sorted.get(5) - sorted.get(0)).isGreaterThan(400_000_000L);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anUnknownVariableIsAnErrorWithItsLine() {
    fixture = new IngestFixture(projectDir, "  bad:\n    type: http\n    url: " + api.url("/x")
        + "?from={{ window.start }}\n", null);
    assertThatThrownBy(() -> fixture.sources())
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("floe.yaml:5: Unknown variable {{ window.start }} in url. Known: none");
  }
}
