package io.floe.examples.pv;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A FIXTURE server on 127.0.0.1 that answers in the documented response shapes of the two APIs seed
 * 001 reads: OpenElectricity v4 (facilities of the NEM with solar units and capacities; hourly
 * energy per facility, {@code data[].results[].data[[ts, value]]} in network time +10:00) and the
 * Open-Meteo archive (hourly weather per coordinate as parallel arrays). It is not those services:
 * the data are generated, deterministic, and consistent with each other (a plant's energy follows
 * the irradiance at its coordinates). Like the real APIs now and then, it answers {@code 429} with
 * {@code Retry-After} (every {@code throttleEvery}-th request), and a few hours of generation are
 * missing. Facilities are paged ({@code page}, {@code page_size}, {@code total_records}); the
 * OpenElectricity endpoints want {@code Authorization: Bearer <key>}.
 */
public final class PvApiFixture implements AutoCloseable {
  /** The hourly variables the weather endpoint knows, with their units. */
  static final Map<String, String> WEATHER_UNITS = weatherUnits();

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
    Thread thread = new Thread(runnable, "pv-api-fixture");
    thread.setDaemon(true);
    return thread;
  });
  private final int plants;
  private final String apiKey;
  private final int throttleEvery;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong throttled = new AtomicLong();

  private PvApiFixture(int plants, String apiKey, int throttleEvery) throws IOException {
    this.plants = plants;
    this.apiKey = apiKey;
    this.throttleEvery = throttleEvery;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/v4/facilities/", exchange -> answer(exchange, this::facilities, true));
    server.createContext("/v4/data/facilities/", exchange -> answer(exchange, this::generation, true));
    server.createContext("/v1/archive", exchange -> answer(exchange, this::weather, false));
    server.start();
  }

  /**
   * Starts the fixture.
   *
   * @param plants how many solar facilities the network has
   * @param apiKey the bearer key the OpenElectricity endpoints accept
   * @param throttleEvery answer every n-th request with 429 (0 never)
   */
  public static PvApiFixture start(int plants, String apiKey, int throttleEvery) {
    try {
      return new PvApiFixture(plants, apiKey, throttleEvery);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the PV API fixture on 127.0.0.1", e);
    }
  }

  /** The OpenElectricity base URL, e.g. {@code http://127.0.0.1:40123/v4}. */
  public String openElectricityUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v4";
  }

  /** The Open-Meteo archive URL, e.g. {@code http://127.0.0.1:40123/v1/archive}. */
  public String openMeteoUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/archive";
  }

  /** Requests answered, 429s included. */
  public long requests() {
    return requests.get();
  }

  /** Requests answered with 429. */
  public long throttled() {
    return throttled.get();
  }

  /** A plant's facility code, e.g. {@code SOLAR007}. */
  public static String code(int plant) {
    return String.format(Locale.ROOT, "SOLAR%03d", plant);
  }

  private record Reply(int status, String body) {}

  private interface Handler {
    Reply handle(Map<String, String> query, String path);
  }

  private void answer(HttpExchange exchange, Handler handler, boolean keyed) throws IOException {
    long n = requests.incrementAndGet();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    Reply reply;
    if (throttleEvery > 0 && n % throttleEvery == 0) {
      throttled.incrementAndGet();
      exchange.getResponseHeaders().add("Retry-After", "0");
      reply = new Reply(429, "{\"success\": false, \"error\": \"Too many requests\"}");
    } else if (keyed && !("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      reply = new Reply(401, "{\"success\": false, \"error\": \"Invalid API key\"}");
    } else {
      try {
        reply = handler.handle(query, exchange.getRequestURI().getPath());
      } catch (RuntimeException e) {
        reply = new Reply(400, "{\"success\": false, \"error\": \"" + e.getMessage().replace("\"", "'") + "\"}");
      }
    }
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  // GET /v4/facilities/?network_id=NEM&fueltech_id=solar_utility&page=1&page_size=5
  private Reply facilities(Map<String, String> query, String path) {
    int page = Integer.parseInt(query.getOrDefault("page", "1"));
    int size = Integer.parseInt(query.getOrDefault("page_size", "100"));
    List<String> rows = new ArrayList<>();
    for (int plant = (page - 1) * size + 1; plant <= Math.min(plants, page * size); plant++) {
      Plant p = Plant.of(plant);
      rows.add(String.format(Locale.ROOT, "{\"code\": \"%s\", \"name\": \"%s\", \"network_id\": \"NEM\","
          + " \"network_region\": \"%s\", \"description\": null, \"units\": [{\"code\": \"%s1\", \"fueltech_id\":"
          + " \"solar_utility\", \"status_id\": \"operating\", \"capacity_registered\": %.1f, \"dispatch_type\":"
          + " \"GENERATOR\"}], \"location\": {\"lat\": %.4f, \"lng\": %.4f}, \"updated_at\": \"2024-01-01T00:00:00Z\"}",
          code(plant), p.name(), p.region(), code(plant), p.capacityMw(), p.lat(), p.lng()));
    }
    return new Reply(200, "{\"version\": \"4.2.0\", \"created_at\": \"" + Instant.now() + "\", \"success\": true,"
        + " \"error\": null, \"data\": [" + String.join(", ", rows) + "], \"total_records\": " + plants + "}");
  }

  // GET /v4/data/facilities/NEM?facility_code=SOLAR001&metrics=energy&interval=1h&date_start=...&date_end=...
  private Reply generation(Map<String, String> query, String path) {
    String code = required(query, "facility_code");
    int plant = Integer.parseInt(code.substring(5));
    if (plant < 1 || plant > plants) {
      throw new IllegalArgumentException("Unknown facility " + code);
    }
    // Network time: AEST, +10:00 all year.
    Instant start = LocalDateTime.parse(required(query, "date_start")).toInstant(ZoneOffset.ofHours(10));
    Instant end = LocalDateTime.parse(required(query, "date_end")).toInstant(ZoneOffset.ofHours(10));
    Plant p = Plant.of(plant);
    StringBuilder points = new StringBuilder();
    for (Instant hour = start; hour.isBefore(end); hour = hour.plus(1, ChronoUnit.HOURS)) {
      if (missing(plant, hour)) {
        continue;
      }
      points.append(points.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "[\"%s\", %.4f]",
          LocalDateTime.ofInstant(hour, ZoneOffset.ofHours(10)) + ":00+10:00", p.energyMwh(hour)));
    }
    return new Reply(200, "{\"version\": \"4.2.0\", \"created_at\": \"" + Instant.now() + "\", \"success\": true,"
        + " \"error\": null, \"data\": [{\"network_code\": \"NEM\", \"metric\": \"energy\", \"unit\": \"MWh\","
        + " \"interval\": \"1h\", \"start\": \"" + start + "\", \"end\": \"" + end + "\", \"groupings\": [],"
        + " \"results\": [{\"name\": \"energy_" + code + "1\", \"date_start\": \"" + start + "\", \"date_end\": \""
        + end + "\", \"columns\": {\"unit_code\": \"" + code + "1\"}, \"data\": [" + points + "]}],"
        + " \"network_timezone_offset\": \"+10:00\"}]}");
  }

  // GET /v1/archive?latitude=..&longitude=..&start_date=2024-01-01&end_date=2024-01-07&hourly=a,b&timezone=UTC
  private Reply weather(Map<String, String> query, String path) {
    double lat = Double.parseDouble(required(query, "latitude"));
    double lng = Double.parseDouble(required(query, "longitude"));
    LocalDate first = LocalDate.parse(required(query, "start_date"));
    LocalDate last = LocalDate.parse(required(query, "end_date"));
    List<String> variables = List.of(query.getOrDefault("hourly", "temperature_2m").split(","));
    for (String variable : variables) {
      if (!WEATHER_UNITS.containsKey(variable)) {
        throw new IllegalArgumentException("Cannot initialize WeatherVariable from invalid String value " + variable);
      }
    }
    Map<String, StringBuilder> series = new LinkedHashMap<>();
    series.put("time", new StringBuilder());
    variables.forEach(v -> series.put(v, new StringBuilder()));
    for (Instant hour = first.atStartOfDay(ZoneOffset.UTC).toInstant();
        hour.isBefore(last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()); hour = hour.plus(1, ChronoUnit.HOURS)) {
      Weather w = Weather.at(lat, lng, hour);
      append(series.get("time"), "\"" + LocalDateTime.ofInstant(hour, ZoneOffset.UTC).toString() + "\"");
      for (String variable : variables) {
        append(series.get(variable), String.format(Locale.ROOT, "%.1f", w.value(variable)));
      }
    }
    StringBuilder units = new StringBuilder("\"time\": \"iso8601\"");
    variables.forEach(v -> units.append(", \"").append(v).append("\": \"").append(WEATHER_UNITS.get(v)).append('"'));
    StringBuilder hourly = new StringBuilder();
    series.forEach((name, values) -> hourly.append(hourly.length() > 0 ? ", " : "").append('"').append(name)
        .append("\": [").append(values).append(']'));
    return new Reply(200, String.format(Locale.ROOT, "{\"latitude\": %.4f, \"longitude\": %.4f,"
        + " \"generationtime_ms\": 0.8, \"utc_offset_seconds\": 0, \"timezone\": \"GMT\", \"timezone_abbreviation\":"
        + " \"GMT\", \"elevation\": 120.0, \"hourly_units\": {%s}, \"hourly\": {%s}}", lat, lng, units, hourly));
  }

  private static void append(StringBuilder values, String value) {
    values.append(values.length() > 0 ? ", " : "").append(value);
  }

  // About one hour in 97 of a plant's generation is missing, as telemetry gaps are.
  static boolean missing(int plant, Instant hour) {
    return Math.floorMod((hour.getEpochSecond() / 3600) * 31 + plant * 17, 97) == 0;
  }

  private static String required(Map<String, String> query, String name) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Missing parameter " + name);
    }
    return value;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  private static Map<String, String> weatherUnits() {
    Map<String, String> units = new LinkedHashMap<>();
    units.put("temperature_2m", "°C");
    units.put("shortwave_radiation", "W/m²");
    units.put("direct_normal_irradiance", "W/m²");
    units.put("diffuse_radiation", "W/m²");
    units.put("wind_speed_10m", "km/h");
    units.put("cloud_cover", "%");
    return Map.copyOf(units);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
