package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started three days after its schedules last fired catches up as each one says: one run
 * for {@code latest}, one per missed day for {@code all}, none for {@code none}; a paused schedule
 * stays paused.
 */
class ScheduleCatchUpTest {
  @TempDir Path workspace;

  @Test
  void missedRunsAreCaughtUpByEachSchedulesPolicy() throws Exception {
    Path shop = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), 300, 1);
    // The example's own schedule replaced by four that differ in their catch-up.
    String config = Files.readString(shop.resolve("floe.yaml"));
    Files.writeString(shop.resolve("floe.yaml"), config.substring(0, config.indexOf("\nschedules:")) + """

        schedules:
          daily_latest:
            cron: '0 0 * * *'
            sources: [support_tickets]
            catch-up: latest
          daily_all:
            cron: '0 0 * * *'
            sources: [support_tickets]
            catch-up: all
          daily_none:
            cron: '0 0 * * *'
            sources: [support_tickets]
            catch-up: none
          daily_paused:
            cron: '0 0 * * *'
            sources: [support_tickets]
            catch-up: all
            paused: true
        """);
    String threeDaysAgo = Instant.now().minus(Duration.ofDays(3)).minus(Duration.ofMinutes(5)).toString();
    Files.createDirectories(shop.resolve(".floe"));
    Files.writeString(shop.resolve(".floe/schedules.json"), """
        {"daily_latest": {"last-fired": "%1$s"}, "daily_all": {"last-fired": "%1$s"},
         "daily_none": {"last-fired": "%1$s"}, "daily_paused": {"last-fired": "%1$s"}}
        """.formatted(threeDaysAgo));

    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      // Runs run one at a time: wait for the last queued one.
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (runs(client, "daily_all") < 3 || running(client)) {
        assertThat(Instant.now()).as("catch-up runs did not finish").isBefore(deadline);
        Thread.sleep(200);
      }
      assertThat(runs(client, "daily_latest")).isEqualTo(1);
      assertThat(runs(client, "daily_all")).isEqualTo(3);
      assertThat(runs(client, "daily_none")).isZero();
      assertThat(runs(client, "daily_paused")).isZero();
      JsonNode first = client.get("/api/runs?schedule=daily_latest").json().path("runs").get(0);
      assertThat(first.path("command").asText()).isEqualTo("schedule daily_latest: ingest support_tickets");
      assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("success");
    }
  }

  private static int runs(ServerClient client, String schedule) {
    return client.get("/api/runs?schedule=" + schedule).json().path("runs").size();
  }

  private static boolean running(ServerClient client) {
    JsonNode status = client.get("/api/status").json();
    return !status.path("running").asText().isEmpty() || status.path("queued").asInt() > 0;
  }
}
