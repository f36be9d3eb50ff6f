package io.floe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** Real HTTP to a server on 127.0.0.1, as a user's script would call it. */
final class ServerClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  ServerClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  record Answer(int status, String body, String contentType) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("Not JSON (" + status + "): " + body, e);
      }
    }
  }

  Answer get(String path) {
    return send(request(path).GET());
  }

  Answer post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  private Answer send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body(),
          response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Polls the run until it is no longer running; returns it. */
  JsonNode awaitRun(String id, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode run = get("/api/runs/" + id).json();
      if (!run.path("status").asText().equals("running")) {
        return run;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("Run " + id + " still running after " + timeout + ": " + run);
      }
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
