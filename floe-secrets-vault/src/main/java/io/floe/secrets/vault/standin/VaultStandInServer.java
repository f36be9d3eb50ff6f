package io.floe.secrets.vault.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A STAND-IN for HashiCorp Vault, not Vault: no Vault binary can be installed where Floe's tests and
 * demos run, so this small HTTP server on 127.0.0.1 implements the few endpoints Floe uses, as
 * Vault's API documentation describes them: KV version 2 read and write
 * ({@code GET/POST /v1/MOUNT/data/PATH}), AppRole login ({@code POST /v1/auth/approle/login}),
 * {@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self} and
 * {@code GET /v1/sys/health}. Tokens have a time to live when asked to, so renewal can be seen; it
 * keeps everything in memory and has no policies beyond "a known token may read every secret".
 */
public final class VaultStandInServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final Map<String, String> roles = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile Duration tokenTtl = Duration.ZERO;

  private VaultStandInServer(HttpServer server) {
    this.server = server;
  }

  /** Starts the stand-in on a free port of 127.0.0.1, with {@code rootToken} as a token that never expires. */
  public static VaultStandInServer start(String rootToken) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    VaultStandInServer vault = new VaultStandInServer(server);
    vault.tokens.put(rootToken, Instant.MAX);
    server.createContext("/v1/", vault::handle);
    server.start();
    return vault;
  }

  /** The address to put in {@code vault.address}, e.g. {@code http://127.0.0.1:40123}. */
  public String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Writes a KV version 2 secret, as {@code vault kv put MOUNT/PATH key=value ...} does. */
  public void putSecret(String mountAndPath, Map<String, String> data) {
    secrets.put(mountAndPath, Map.copyOf(data));
  }

  /** Enables an AppRole login with this role id and secret id. */
  public void addAppRole(String roleId, String secretId) {
    roles.put(roleId, secretId);
  }

  /** Tokens issued from now on (AppRole logins, renewals) live this long; zero for ever. */
  public void tokenTtl(Duration ttl) {
    this.tokenTtl = ttl;
  }

  /** Every request so far, as {@code METHOD /v1/path}, oldest first. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath().substring("/v1/".length());
      requests.add(method + " /v1/" + path);
      byte[] body = exchange.getRequestBody().readAllBytes();
      String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
      if (path.equals("sys/health")) {
        respond(exchange, 200, JSON.createObjectNode().put("initialized", true).put("sealed", false)
            .put("standby", false).put("version", "stand-in"));
      } else if (path.equals("auth/approle/login") && method.equals("POST")) {
        JsonNode login = JSON.readTree(body);
        String secretId = roles.get(login.path("role_id").asText());
        if (secretId == null || !secretId.equals(login.path("secret_id").asText())) {
          error(exchange, 400, "invalid role or secret ID");
          return;
        }
        respond(exchange, 200, auth(issue()));
      } else if (!valid(token)) {
        error(exchange, 403, "permission denied");
      } else if (path.equals("auth/token/lookup-self")) {
        ObjectNode data = JSON.createObjectNode().put("ttl", ttlSeconds(token)).put("renewable",
            ttlSeconds(token) > 0);
        ObjectNode answer = JSON.createObjectNode();
        answer.set("data", data);
        respond(exchange, 200, answer);
      } else if (path.equals("auth/token/renew-self") && method.equals("POST")) {
        if (!tokenTtl.isZero()) {
          tokens.put(token, Instant.now().plus(tokenTtl));
        }
        respond(exchange, 200, auth(token));
      } else if (path.contains("/data/")) {
        int at = path.indexOf("/data/");
        String key = path.substring(0, at) + "/" + path.substring(at + "/data/".length());
        if (method.equals("GET")) {
          Map<String, String> data = secrets.get(key);
          if (data == null) {
            error(exchange, 404, null);
            return;
          }
          ObjectNode inner = JSON.createObjectNode();
          inner.set("data", JSON.valueToTree(data));
          inner.set("metadata", JSON.createObjectNode().put("version", 1));
          ObjectNode answer = JSON.createObjectNode();
          answer.set("data", inner);
          respond(exchange, 200, answer);
        } else {
          Map<String, String> data = new LinkedHashMap<>();
          JSON.readTree(body).path("data").fields().forEachRemaining(field -> data.put(field.getKey(),
              field.getValue().asText()));
          putSecret(key, data);
          respond(exchange, 200, JSON.createObjectNode().set("data", JSON.createObjectNode().put("version", 1)));
        }
      } else {
        error(exchange, 404, "no handler for route " + path + ". This is a stand-in for Vault: it serves KV"
            + " version 2, AppRole login and token self-renewal only");
      }
    }
  }

  private String issue() {
    String token = "s." + UUID.randomUUID().toString().replace("-", "");
    tokens.put(token, tokenTtl.isZero() ? Instant.MAX : Instant.now().plus(tokenTtl));
    return token;
  }

  private boolean valid(String token) {
    Instant until = token == null ? null : tokens.get(token);
    return until != null && Instant.now().isBefore(until);
  }

  private long ttlSeconds(String token) {
    Instant until = tokens.get(token);
    return until.equals(Instant.MAX) ? 0 : Math.max(1, Duration.between(Instant.now(), until).toSeconds());
  }

  private ObjectNode auth(String token) {
    ObjectNode auth = JSON.createObjectNode().put("client_token", token).put("lease_duration", ttlSeconds(token))
        .put("renewable", ttlSeconds(token) > 0);
    ObjectNode answer = JSON.createObjectNode();
    answer.set("auth", auth);
    return answer;
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode answer = JSON.createObjectNode();
    answer.set("errors", message == null ? JSON.createArrayNode() : JSON.createArrayNode().add(message));
    respond(exchange, status, answer);
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
