package io.floe.ingest.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests as a good API client does: a time-out on each, retries with exponential backoff and
 * full jitter on time-outs, refused connections, 429 and 5xx, a 429's {@code Retry-After} honoured,
 * at most {@code requests-per-second}. Any other refusal is one line naming the source, the URL
 * (secrets masked), the status and the first bytes of the body.
 */
final class ApiClient {
  private static final Logger LOG = LoggerFactory.getLogger(ApiClient.class);
  // Jackson's fast number parsers (FastDoubleParser): an API's measurements are mostly decimals.
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER).build();
  private static final int BODY_SHOWN = 200;

  /** A response's parsed body and headers. */
  record Response(JsonNode body, HttpHeaders headers, int bytes) {}

  private final String source;
  private final HttpClient http;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final long minNanosBetween;
  private long nextStart = System.nanoTime();
  private long requests;

  ApiClient(String source, Duration timeout, int retries, Duration backoff, Duration maxBackoff,
      double requestsPerSecond) {
    this.source = requireNonNull(source, "source is null");
    this.timeout = timeout;
    this.retries = retries;
    this.backoff = backoff;
    this.maxBackoff = maxBackoff;
    this.minNanosBetween = requestsPerSecond > 0 ? (long) (1_000_000_000L / requestsPerSecond) : 0;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  String source() {
    return source;
  }

  /** Requests sent so far, retries included. */
  synchronized long requests() {
    return requests;
  }

  /**
   * Sends the call with credentials, retrying what may pass on a second try.
   *
   * @throws FloeException an external error in one line once retries are spent or the API refuses
   */
  Response send(ApiCall call, Auth auth) {
    int attempt = 0;
    boolean reauthenticated = false;
    while (true) {
      ApiCall signed = auth.apply(call, this);
      HttpResponse<byte[]> response;
      try {
        pace();
        response = http.send(request(signed), HttpResponse.BodyHandlers.ofByteArray());
      } catch (HttpTimeoutException e) {
        attempt = retryOrFail(attempt, call, "timed out after " + timeout.toMillis() + " ms", null, e);
        continue;
      } catch (IOException e) {
        attempt = retryOrFail(attempt, call, "failed: " + e, null, e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw FloeException.external(e, "Source '%s': interrupted while waiting for %s %s", source, call.method(),
            call.display());
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return new Response(parse(call, response.body()), response.headers(), response.body().length);
      }
      if (status == 401 && !reauthenticated && auth != Auth.NONE) {
        // An expired OAuth2 token: fetch a new one once; a static credential fails the same again.
        reauthenticated = true;
        auth.refused();
        continue;
      }
      String problem = "returned " + status + bodyStart(response.body());
      if (status == 429 || status >= 500) {
        attempt = retryOrFail(attempt, call, problem, status == 429 ? retryAfter(response.headers()) : null, null);
        continue;
      }
      throw FloeException.external("Source '%s': %s %s %s. %s", source, call.method(), call.display(), problem,
          advice(status));
    }
  }

  private HttpRequest request(ApiCall call) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(call.uri()).timeout(timeout);
    call.headers().forEach(builder::header);
    if (!call.headers().containsKey("Accept")) {
      builder.header("Accept", "application/json");
    }
    if (call.body() != null) {
      builder.method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
    } else {
      builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
    }
    return builder.build();
  }

  private JsonNode parse(ApiCall call, byte[] body) {
    if (body.length == 0) {
      return JSON.missingNode();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw FloeException.external(e, "Source '%s': %s %s returned a body that is not JSON%s. Check the URL; an"
          + " HTML page usually means a login or an error page.", source, call.method(), call.display(),
          bodyStart(body));
    }
  }

  // Waits before the next attempt, or fails once the attempts are spent; returns the attempt count.
  private int retryOrFail(int attempt, ApiCall call, String problem, Duration retryAfter, Exception cause) {
    if (attempt >= retries) {
      String message = String.format("Source '%s': %s %s %s, %d attempts. Check that the API is up, or raise"
          + " retry.attempts or timeout.", source, call.method(), call.display(), problem, attempt + 1);
      throw cause == null ? FloeException.external("%s", message) : FloeException.external(cause, "%s", message);
    }
    long ceiling = Math.min(maxBackoff.toMillis(), backoff.toMillis() << Math.min(attempt, 20));
    long wait = retryAfter != null ? Math.min(retryAfter.toMillis(), maxBackoff.toMillis())
        : ThreadLocalRandom.current().nextLong(ceiling + 1);
    LOG.info("Source {}: {} {} {}; retry {} of {} in {} ms", source, call.method(), call.display(), problem,
        attempt + 1, retries, wait);
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.external(e, "Source '%s': interrupted while waiting to retry %s", source, call.display());
    }
    return attempt + 1;
  }

  // Spaces request starts at least 1 / requests-per-second apart, across threads.
  private void pace() throws InterruptedException {
    long wait;
    synchronized (this) {
      requests++;
      long now = System.nanoTime();
      long start = Math.max(now, nextStart);
      nextStart = start + minNanosBetween;
      wait = start - now;
    }
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
  }

  /** A 429's Retry-After: seconds, or an HTTP date. */
  static Duration retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("Retry-After");
    if (value.isEmpty()) {
      return null;
    }
    String text = value.get().strip();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(text)));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(),
            ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : until;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static String bodyStart(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    String text = new String(body, 0, Math.min(body.length, BODY_SHOWN * 4), StandardCharsets.UTF_8)
        .replaceAll("\\s+", " ").strip();
    return ": " + (text.length() > BODY_SHOWN ? text.substring(0, BODY_SHOWN) + "..." : text);
  }

  private static String advice(int status) {
    return switch (status) {
      case 401, 403 -> "Check the source's auth settings and that the secret they name is current.";
      case 404 -> "Check the source's url and params.";
      default -> "Check the source's url, params and body against the API's documentation.";
    };
  }
}
