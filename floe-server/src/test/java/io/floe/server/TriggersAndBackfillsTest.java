package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new-data schedule runs when files arrive and not otherwise; a backfill runs one build per day
 * with the day as variables, a retry re-runs only the day that failed, and a server stopped in the
 * middle of a backfill finishes it when it starts again.
 */
class TriggersAndBackfillsTest {
  // Fails for one day until the test "fixes" the model, as a user would after a failed interval.
  private static final String DAILY_MODEL = """
      {{ config(materialized='incremental', unique_key='day', tags=['backfill']) }}
      {%% if var('start_date', '2000-01-01') == '%s' %%}
      select no_such_column as day
      {%% else %%}
      select cast('{{ var("start_date", "2000-01-01") }}' as date) as day,
             cast('{{ var("end_date", "2000-01-02") }}' as date) as day_end,
             (select count(*) from {{ source('raw', 'support_tickets') }}) as tickets
      {%% endif %%}
      """;

  @TempDir Path workspace;

  @Test
  void aNewDataScheduleRunsWhenFilesArriveAndOnlyThen() throws Exception {
    Path shop = project("events");
    replaceSchedules(shop, """
        schedules:
          on_new_tickets:
            trigger: new-data
            sources: [support_tickets]
            poll-interval: 1s
        """);
    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      JsonNode schedule = client.get("/api/schedules").json().path("schedules").get(0);
      assertThat(schedule.path("trigger").asText()).isEqualTo("new-data");
      assertThat(schedule.path("nextRuns").size()).isZero();

      // The files already landed are new data at start: one run loads them.
      await(() -> finishedRuns(client, "on_new_tickets").size() == 1, "the first new-data run");
      // Nothing new: polled every second, it does not run again.
      Thread.sleep(3_000);
      assertThat(finishedRuns(client, "on_new_tickets")).hasSize(1);

      EcommerceDataGenerator.generateIncrement(shop.resolve("landing"), 300, 0.1, 1, 7);
      await(() -> finishedRuns(client, "on_new_tickets").size() == 2, "the run after new files");
      List<JsonNode> runs = finishedRuns(client, "on_new_tickets");
      assertThat(runs).allSatisfy(run -> assertThat(run.path("status").asText()).as(run.toString())
          .isEqualTo("success"));
      JsonNode second = client.get("/api/runs/" + runs.get(0).path("id").asText()).json();
      JsonNode source = find(second.path("nodes"), "source", "support_tickets");
      assertThat(source.path("rows").asLong()).as(second.toString()).isPositive();
    }
  }

  @Test
  void aScheduleWithMaintainTrueMaintainsTheProjectsTables() throws Exception {
    Path shop = project("maintain");
    replaceSchedules(shop, """
        schedules:
          weekly_maintenance:
            cron: '0 3 * * 0'
            maintain: true
            catch-up: none
        """);
    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      ingest(client);
      assertThat(client.post("/api/schedules/weekly_maintenance/trigger", "{}").status()).isEqualTo(202);
      await(() -> finishedRuns(client, "weekly_maintenance").size() == 1, "the maintenance run");
      JsonNode run = client.get("/api/runs/" + finishedRuns(client, "weekly_maintenance").get(0).path("id").asText())
          .json();
      assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("success");
      JsonNode maintained = find(run.path("nodes"), "maintain", "raw.support_tickets");
      assertThat(maintained.path("status").asText()).as(run.toString()).isEqualTo("success");
    }
  }

  @Test
  void aBackfillRunsEachDayAndItsRetryOnlyTheDayThatFailed() throws Exception {
    Path shop = project("backfill");
    replaceSchedules(shop, "");
    Path model = shop.resolve("models/gold/daily_backfill.sql");
    Files.writeString(model, DAILY_MODEL.formatted("2026-01-02"));
    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      ingest(client);
      ServerClient.Answer created = client.post("/api/backfills",
          "{\"select\": [\"daily_backfill\"], \"start\": \"2026-01-01\", \"end\": \"2026-01-04\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(202);
      long id = created.json().path("id").asLong();
      assertThat(created.json().path("intervals").size()).isEqualTo(3);

      JsonNode done = awaitBackfill(client, id);
      assertThat(statuses(done)).as(done.toString()).containsExactly("success", "failed", "success");
      assertThat(done.path("intervals").get(1).path("message").asText()).contains("no_such_column");
      JsonNode firstRun = client.get("/api/runs/" + done.path("intervals").get(0).path("runId").asText()).json();
      assertThat(firstRun.path("command").asText())
          .isEqualTo("backfill " + id + ": build --no-ingest -s daily_backfill --vars "
              + "'{start_date: 2026-01-01, end_date: 2026-01-02}'");

      // The user mends the model; the retry runs only the day that failed.
      Files.writeString(model, DAILY_MODEL.formatted("never"));
      ServerClient.Answer retried = client.post("/api/backfills/" + id + "/retry", "{}");
      assertThat(retried.json().path("requeued").asInt()).as(retried.body()).isEqualTo(1);
      JsonNode mended = awaitBackfill(client, id);
      assertThat(statuses(mended)).as(mended.toString()).containsExactly("success", "success", "success");
      List<Integer> attempts = new ArrayList<>();
      mended.path("intervals").forEach(interval -> attempts.add(interval.path("attempts").asInt()));
      assertThat(attempts).containsExactly(1, 2, 1);
      assertThat(client.post("/api/backfills/" + id + "/retry", "{}").status()).isEqualTo(409);
      assertThat(client.get("/api/tables/gold.daily_backfill/preview").json().path("rows").size()).isEqualTo(3);
    }
  }

  @Test
  void aBackfillLeftUnfinishedByAStoppedServerFinishesAtTheNextStart() throws Exception {
    Path shop = project("resume");
    replaceSchedules(shop, "");
    Files.writeString(shop.resolve("models/gold/daily_backfill.sql"), DAILY_MODEL.formatted("never"));
    long id;
    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      ingest(client);
      id = client.post("/api/backfills", "{\"select\": [\"daily_backfill\"], \"start\": \"2026-02-01\", "
          + "\"end\": \"2026-02-04\"}").json().path("id").asLong();
    }
    // Stopped at once: the running interval ended within the grace, the others never started.
    JsonNode stored = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        shop.resolve(".floe/backfills.json").toFile()).get(0);
    assertThat(statuses(stored)).as(stored.toString()).contains("queued");
    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      JsonNode done = awaitBackfill(client, id);
      assertThat(statuses(done)).as(done.toString()).containsExactly("success", "success", "success");
      assertThat(client.get("/api/tables/gold.daily_backfill/preview").json().path("rows").size()).isEqualTo(3);
    }
  }

  private Path project(String name) throws Exception {
    Path shop = workspace.resolve(name);
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), 300, 1);
    return shop;
  }

  // A backfill builds models only: the sources are loaded first, as a user's first build would.
  private static void ingest(ServerClient client) {
    ServerClient.Answer started = client.post("/api/runs", "{\"command\": \"ingest\", \"sources\": [\"support_tickets\"]}");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    JsonNode run = client.awaitRun(started.json().path("id").asText(), Duration.ofMinutes(2));
    assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("success");
  }

  private static void replaceSchedules(Path shop, String schedules) throws Exception {
    String config = Files.readString(shop.resolve("floe.yaml"));
    Files.writeString(shop.resolve("floe.yaml"), config.substring(0, config.indexOf("\nschedules:")) + "\n"
        + schedules);
  }

  private static List<JsonNode> finishedRuns(ServerClient client, String schedule) {
    List<JsonNode> runs = new ArrayList<>();
    client.get("/api/runs?schedule=" + schedule).json().path("runs").forEach(run -> {
      if (!run.path("status").asText().equals("running")) {
        runs.add(run);
      }
    });
    return runs;
  }

  private static JsonNode awaitBackfill(ServerClient client, long id) throws InterruptedException {
    JsonNode[] backfill = new JsonNode[1];
    await(() -> {
      backfill[0] = client.get("/api/backfills/" + id).json();
      return !backfill[0].path("counts").has("queued") && !backfill[0].path("counts").has("running");
    }, "backfill " + id);
    return backfill[0];
  }

  private static List<String> statuses(JsonNode backfill) {
    List<String> statuses = new ArrayList<>();
    backfill.path("intervals").forEach(interval -> statuses.add(interval.path("status").asText()));
    return statuses;
  }

  private static JsonNode find(JsonNode nodes, String kind, String name) {
    for (JsonNode node : nodes) {
      if (node.path("kind").asText().equals(kind) && node.path("name").asText().equals(name)) {
        return node;
      }
    }
    throw new AssertionError("No " + kind + " node " + name + " in " + nodes);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
      Thread.sleep(250);
    }
  }
}
