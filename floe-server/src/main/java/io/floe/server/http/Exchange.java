package io.floe.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One request to the server, with what every handler needs: its path, query, body, and a way to answer. */
public final class Exchange {
  /** The API's JSON: records and maps as they are, dates as ISO strings. */
  public static final ObjectMapper JSON = new ObjectMapper()
      .findAndRegisterModules()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final HttpExchange exchange;
  private final String path;
  private byte[] body;

  public Exchange(HttpExchange exchange, String path) {
    this.exchange = exchange;
    this.path = path;
  }

  /** GET, POST, DELETE, HEAD. */
  public String method() {
    return exchange.getRequestMethod();
  }

  /** The path below the handler's context, e.g. {@code /runs/20261201_101500_123}; raw (still URL-encoded). */
  public String path() {
    return path;
  }

  /** A request header, or null. */
  public String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /** The query parameters, decoded; the first value of each. */
  public Map<String, String> query() {
    Map<String, String> values = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      values.putIfAbsent(name, value);
    }
    return values;
  }

  /** The request body (read once, kept). */
  public byte[] body() throws IOException {
    if (body == null) {
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
    }
    return body;
  }

  /** The body as JSON; an empty body is an empty object. */
  public JsonNode json() throws IOException {
    byte[] bytes = body();
    if (bytes.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadRequest("The request body is not JSON: " + e.getOriginalMessage());
    }
  }

  /** Answers with {@code value} as JSON. */
  public void sendJson(int status, Object value) throws IOException {
    send(status, "application/json", JSON.writeValueAsBytes(value));
  }

  /** Answers with {@code bytes} of {@code contentType}; HEAD and 204 answers carry no body. */
  public void send(int status, String contentType, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean noBody = status == 204 || "HEAD".equals(method());
    exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  /** Answers 204 No Content. */
  public void sendEmpty() throws IOException {
    exchange.sendResponseHeaders(204, -1);
    exchange.close();
  }

  /** A request the client got wrong: answered 400 with the message. */
  public static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRequest(String message) {
      super(message);
    }
  }

  /** A resource that does not exist: answered 404 with the message. */
  public static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message);
    }
  }
}
