package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code floe serve} as a process: killed with SIGKILL in the middle of a build, the next start
 * marks the run interrupted and removes its branches; stopped with SIGTERM in the middle of a
 * build, it cancels the run after the grace period and records it as cancelled. No run record is
 * lost and no run branch is left.
 */
class KillServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern URL = Pattern.compile("UI\\s+(http://127\\.0\\.0\\.1:\\d+)/");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path workspace;

  @Test
  void aKilledServersRunIsMarkedInterruptedAndASigtermCancelsTheRunningOne() throws Exception {
    Path shop = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), 1_500, 5);

    Process first = FloeProcess.start(shop, true, "serve", "--port", "0");
    String killedRun;
    try {
      String url = awaitUrl(first);
      killedRun = startBuildAndAwaitAModel(url);
      first.destroyForcibly();
      assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      first.destroyForcibly();
    }

    Process second = FloeProcess.start(shop, true, "serve", "--port", "0", "--shutdown-grace", "1s");
    String cancelledRun;
    try {
      String url = awaitUrl(second);
      JsonNode interrupted = get(url + "/api/runs/" + killedRun);
      assertThat(interrupted.path("status").asText()).as(interrupted.toString()).isEqualTo("interrupted");
      assertNoRunBranches(url);

      cancelledRun = startBuildAndAwaitAModel(url);
      second.destroy(); // SIGTERM: the grace period passes, then the run is cancelled
      assertThat(second.waitFor(90, TimeUnit.SECONDS)).as("the server stops after SIGTERM").isTrue();
      assertThat(second.exitValue()).as("a server stopped by SIGTERM closes before the JVM's shutdown and exits 0")
          .isZero();
    } finally {
      second.destroyForcibly();
    }

    String runs = floe(shop, "runs", "-o", "csv").ok();
    assertThat(runs).contains(killedRun + ",build,interrupted").contains(cancelledRun + ",build,cancelled");
    // The tables that exist: those a first run created and that run never published are dropped.
    List<String> tables = floe(shop, "tables", "-o", "csv").ok().lines().skip(1)
        .map(line -> line.split(",")[0] + "." + line.split(",")[1]).toList();
    assertThat(tables).contains("raw.customer_events")
        .as("the cancelled run drops the tables it created")
        .allMatch(table -> table.startsWith("raw."));
    for (String table : tables) {
      assertThat(floe(shop, "sql", "-o", "csv", "SELECT count(*) FROM " + table
          + ".refs WHERE name LIKE 'floe_%'").ok()).as("branches left on " + table).endsWith("0\n");
    }
    // And the project builds to the end afterwards.
    CliRun build = floe(shop, "build");
    assertThat(build.out()).as("tables before: " + tables).contains("Published to main.");
    assertThat(floe(shop, "sql", "-o", "csv", "SELECT count(*) > 0 FROM gold.daily_metrics").ok()).endsWith("true\n");
  }

  private void assertNoRunBranches(String url) throws IOException, InterruptedException {
    List<String> tables = get(url + "/api/tables").path("tables").findValuesAsText("name");
    assertThat(tables).contains("raw.customer_events");
    for (String table : tables) {
      JsonNode refs = get(url + "/api/tables/" + table).path("refs");
      assertThat(refs.findValuesAsText("name")).as(table).contains("main").allMatch(name -> !name.startsWith("floe_"));
    }
  }

  // Starts a build and returns its id once a model of it has finished: killed then, it has
  // committed batches and written a run branch.
  private String startBuildAndAwaitAModel(String url) throws IOException, InterruptedException {
    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(url + "/api/runs"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"build\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String id = JSON.readTree(started.body()).path("id").asText();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      JsonNode run = get(url + "/api/runs/" + id);
      if (run.path("nodes").findValuesAsText("kind").contains("model")) {
        return id;
      }
      assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("running");
      Thread.sleep(100);
    }
    throw new AssertionError("No model of run " + id + " finished in 3 minutes");
  }

  private JsonNode get(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  // The server prints its URL once it is ready; the rest of its output is drained.
  private static String awaitUrl(Process process) throws Exception {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          Matcher matcher = URL.matcher(line);
          if (matcher.find()) {
            url.complete(matcher.group(1));
          }
        }
        url.completeExceptionally(new AssertionError("floe serve ended before it was ready (exit "
            + process.waitFor() + ")"));
      } catch (IOException | InterruptedException e) {
        // Killed: the stream closed under the reader; a start that never finished fails the test.
        url.completeExceptionally(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    List<String> errors = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Thread drain = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
          StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          errors.add(line);
          if (errors.size() > 20) {
            errors.remove(0);
          }

        }
      } catch (IOException e) {
        // Killed or stopped: the stream closed under the reader; kept with the output it ends.
        errors.add("(output ended: " + e.getMessage() + ")");
      }
    });
    drain.setDaemon(true);
    drain.start();
    try {
      return url.get(3, TimeUnit.MINUTES);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("floe serve was not ready in 3 minutes; its last output: " + errors, e);
    }
  }
}
