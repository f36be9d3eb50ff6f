package io.floe.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * How a request proves who it is. Secrets are resolved when a request is made, never earlier, and
 * never appear in a message: an api-key in the query shows as {@code ***}.
 */
abstract class Auth {
  static final Auth NONE = new Auth() {
    @Override
    ApiCall apply(ApiCall call, ApiClient client) {
      return call;
    }
  };

  /** The call with credentials added; {@code client} fetches a token where one is needed. */
  abstract ApiCall apply(ApiCall call, ApiClient client);

  /** Forget a token the API refused, so the next call fetches a new one. */
  void refused() {}

  static Auth bearer(ConfigValue token, Path projectDir) {
    return new Auth() {
      @Override
      ApiCall apply(ApiCall call, ApiClient client) {
        return call.withHeader("Authorization", "Bearer " + token.resolve(projectDir));
      }
    };
  }

  static Auth apiKey(ConfigValue key, String name, boolean inQuery, Path projectDir) {
    return new Auth() {
      @Override
      ApiCall apply(ApiCall call, ApiClient client) {
        String value = key.resolve(projectDir);
        return inQuery ? call.withSecretParam(name, value) : call.withHeader(name, value);
      }
    };
  }

  static Auth basic(String user, ConfigValue password, Path projectDir) {
    return new Auth() {
      @Override
      ApiCall apply(ApiCall call, ApiClient client) {
        String pair = user + ":" + password.resolve(projectDir);
        return call.withHeader("Authorization",
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
      }
    };
  }

  /** OAuth2 client credentials (RFC 6749 section 4.4): a token fetched once and again before it expires. */
  static Auth oauth2(String tokenUrl, String clientId, ConfigValue clientSecret, String scope, Path projectDir) {
    return new Auth() {
      private String token;
      private Instant expires = Instant.MIN;

      @Override
      synchronized ApiCall apply(ApiCall call, ApiClient client) {
        if (token == null || Instant.now().isAfter(expires)) {
          StringBuilder form = new StringBuilder("grant_type=client_credentials&client_id=")
              .append(Urls.encode(clientId)).append("&client_secret=")
              .append(Urls.encode(clientSecret.resolve(projectDir)));
          if (scope != null) {
            form.append("&scope=").append(Urls.encode(scope));
          }
          ApiCall request = new ApiCall("POST", java.net.URI.create(tokenUrl),
              Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
              form.toString(), tokenUrl);
          JsonNode answer = client.send(request, NONE).body();
          JsonNode accessToken = answer.get("access_token");
          if (accessToken == null || !accessToken.isTextual()) {
            throw FloeException.external("Source '%s': the OAuth2 token endpoint %s answered without an"
                + " access_token. Check auth.token-url and the client's grant.", client.source(), tokenUrl);
          }
          token = accessToken.asText();
          long seconds = answer.path("expires_in").asLong(3600);
          // Renew a little early, so a token never expires between the check and the request.
          expires = Instant.now().plus(Duration.ofSeconds(Math.max(1, seconds - Math.min(30, seconds / 10))));
        }
        return call.withHeader("Authorization", "Bearer " + token);
      }

      @Override
      synchronized void refused() {
        token = null;
      }
    };
  }
}
