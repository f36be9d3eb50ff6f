package io.floe.secrets.vault;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.error.FloeException;
import io.floe.core.secret.SecretReference;
import io.floe.core.secret.SecretStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code ${vault:PATH#KEY}} from HashiCorp Vault's KV version 2 engine over its HTTP API: the
 * first path segment is the engine's mount ({@code secret/postgres/ecommerce} is
 * {@code GET /v1/secret/data/postgres/ecommerce}), the key one field of the secret's data, as
 * {@code vault kv get -field=KEY secret/postgres/ecommerce} reads it.
 *
 * <p>Logs in with the configured token or with AppRole ({@code POST /v1/auth/approle/login}). A
 * token with a time to live is renewed ({@code renew-self}) once two thirds of it have passed, and
 * an AppRole login is made again when renewal is refused, so a long-running process keeps reading.
 * Each secret is cached for {@link #CACHE_TIME}: one run asks once, a server sees rotations. No
 * value, token or secret id is ever logged or put in a message; key names and paths are.
 */
final class VaultSecretStore implements SecretStore {
  static final Duration CACHE_TIME = Duration.ofMinutes(5);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(VaultSecretStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final VaultSettings settings;
  private final Clock clock;
  private final HttpClient http;
  private final Map<String, Cached> secrets = new ConcurrentHashMap<>();
  private String token;
  private Instant renewAt = Instant.MAX;
  private boolean renewable;

  private record Cached(JsonNode data, Instant until) {}

  VaultSecretStore(VaultSettings settings, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  @Override
  public String read(SecretReference reference) {
    String target = reference.target();
    int hash = target.lastIndexOf('#');
    if (hash <= 0 || hash == target.length() - 1) {
      throw FloeException.user("expected ${vault:PATH#KEY}, such as ${vault:secret/postgres/ecommerce#password},"
          + " but the reference has no %s.", hash <= 0 ? "path before #" : "key after #");
    }
    String path = target.substring(0, hash).strip().replaceAll("^/+|/+$", "");
    String key = target.substring(hash + 1).strip();
    JsonNode data = secret(path);
    JsonNode value = data.get(key);
    if (value == null || value.isNull()) {
      List<String> keys = new ArrayList<>();
      data.fieldNames().forEachRemaining(keys::add);
      throw FloeException.user("the Vault secret %s has no key '%s' (its keys: %s). Fix the reference or add the"
          + " key with `vault kv patch %s %s=...`.", path, key, keys.isEmpty() ? "none" : String.join(", ", keys),
          path, key);
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  private synchronized JsonNode secret(String path) {
    Cached cached = secrets.get(path);
    if (cached != null && clock.instant().isBefore(cached.until())) {
      return cached.data();
    }
    String[] segments = path.split("/", 2);
    if (segments.length < 2 || segments[1].isBlank()) {
      throw FloeException.user("the Vault path '%s' names no secret: expected MOUNT/PATH, such as"
          + " secret/postgres/ecommerce (KV version 2 mounted at secret/).", path);
    }
    // The API path puts data/ after the mount; a reference that already has it is taken as written.
    String apiPath = segments[1].startsWith("data/") ? path : segments[0] + "/data/" + segments[1];
    HttpResponse<String> response = send("GET", apiPath, null, true);
    if (response.statusCode() == 404) {
      throw FloeException.user("Vault at %s has no secret at %s (KV version 2, mount '%s'). Write it with"
          + " `vault kv put %s KEY=VALUE`, or fix the reference.", settings.address(), path, segments[0], path);
    }
    JsonNode body = body(response, "read secret " + path);
    JsonNode data = body.path("data").path("data");
    if (!data.isObject()) {
      throw FloeException.external("Vault at %s answered the read of %s without data.data: is '%s' a KV version 2"
          + " engine? (A KV version 1 mount is not supported.)", settings.address(), path, segments[0]);
    }
    secrets.put(path, new Cached(data, clock.instant().plus(CACHE_TIME)));
    return data;
  }

  private HttpResponse<String> send(String method, String apiPath, String json, boolean authenticated) {
    if (authenticated) {
      ensureToken();
    }
    HttpResponse<String> response = exchange(method, apiPath, json, authenticated);
    if (authenticated && response.statusCode() == 403 && settings.roleId().isPresent()) {
      // An AppRole token that expired or was revoked: log in once more and retry.
      token = null;
      ensureToken();
      response = exchange(method, apiPath, json, true);
    }
    if (response.statusCode() == 403) {
      throw FloeException.user("Vault at %s refused %s %s (403 permission denied): the %s is not valid or its"
          + " policy does not allow it.", settings.address(), method, "/v1/" + apiPath,
          settings.roleId().isPresent() ? "AppRole login" : "token");
    }
    return response;
  }

  private HttpResponse<String> exchange(String method, String apiPath, String json, boolean authenticated) {
    URI uri = URI.create(settings.address() + "/v1/" + apiPath);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (authenticated) {
      request.header("X-Vault-Token", token);
    }
    settings.namespace().ifPresent(namespace -> request.header("X-Vault-Namespace", namespace));
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot reach Vault at %s: %s. Check vault.address (or VAULT_ADDR) and that"
          + " the server is up.", settings.address(), e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.external(e, "Interrupted while reading from Vault at %s.", settings.address());
    }
  }

  private void ensureToken() {
    if (token == null) {
      if (settings.roleId().isPresent()) {
        login();
      } else {
        token = settings.token().orElseThrow().get();
        lookUpSelf();
      }
    } else if (renewable && !clock.instant().isBefore(renewAt)) {
      renew();
    }
  }

  private void login() {
    String body = JSON.createObjectNode().put("role_id", settings.roleId().orElseThrow())
        .put("secret_id", settings.secretId().orElseThrow().get()).toString();
    HttpResponse<String> response = exchange("POST", "auth/" + settings.approlePath() + "/login", body, false);
    if (response.statusCode() == 400 || response.statusCode() == 403) {
      throw FloeException.user("Vault at %s refused the AppRole login (%d): check vault.role-id and"
          + " vault.secret-id (the secret id may have expired or been used up).", settings.address(),
          response.statusCode());
    }
    JsonNode auth = body(response, "log in with AppRole").path("auth");
    token = auth.path("client_token").asText(null);
    if (token == null) {
      throw FloeException.external("Vault at %s answered the AppRole login without auth.client_token.",
          settings.address());
    }
    schedule(auth.path("lease_duration").asLong(0), auth.path("renewable").asBoolean(false));
    LOG.debug("Logged in to Vault at {} with AppRole", settings.address());
  }

  // The token's time to live, so that it is renewed before it runs out; a root token has none.
  private void lookUpSelf() {
    HttpResponse<String> response = exchange("GET", "auth/token/lookup-self", null, true);
    if (response.statusCode() == 403) {
      throw FloeException.user("Vault at %s does not accept the token (403 permission denied): it is wrong,"
          + " expired or revoked. Set a valid one in vault.token or VAULT_TOKEN.", settings.address());
    }
    JsonNode data = body(response, "look up the token").path("data");
    schedule(data.path("ttl").asLong(0), data.path("renewable").asBoolean(false));
  }

  private void renew() {
    HttpResponse<String> response = exchange("POST", "auth/token/renew-self", "{}", true);
    if (response.statusCode() / 100 == 2) {
      JsonNode auth = body(response, "renew the token").path("auth");
      schedule(auth.path("lease_duration").asLong(0), auth.path("renewable").asBoolean(false));
      LOG.debug("Renewed the Vault token at {}", settings.address());
    } else if (settings.roleId().isPresent()) {
      login();
    } else {
      renewable = false; // used as it is until Vault refuses it, which then says so
    }
  }

  private void schedule(long ttlSeconds, boolean canRenew) {
    renewable = canRenew && ttlSeconds > 0;
    renewAt = ttlSeconds > 0 ? clock.instant().plusSeconds(ttlSeconds * 2 / 3) : Instant.MAX;
  }

  private JsonNode body(HttpResponse<String> response, String what) {
    if (response.statusCode() / 100 != 2) {
      throw FloeException.external("Vault at %s could not %s: HTTP %d %s", settings.address(), what,
          response.statusCode(), errors(response.body()));
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw FloeException.external(e, "Vault at %s answered %s with something that is not JSON.", settings.address(),
          what);
    }
  }

  // Vault's {"errors": [...]} texts name paths and reasons, never secret values.
  private static String errors(String body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      List<String> texts = new ArrayList<>();
      errors.forEach(error -> texts.add(error.asText()));
      return texts.isEmpty() ? "" : "(" + String.join("; ", texts) + ")";
    } catch (IOException e) {
      return "";
    }
  }
}
