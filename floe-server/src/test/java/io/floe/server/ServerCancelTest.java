package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run cancelled from the API stops, publishes nothing, leaves nothing behind, and the next build completes. */
class ServerCancelTest {
  @TempDir Path workspace;

  @Test
  void aCancelledFirstBuildLeavesNothingAndTheNextOnePublishes() throws Exception {
    Path shop = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), 2_000, 3);
    try (FloeServer server = FloeServer.start(shop, FloeServer.Options.local(0))) {
      ServerClient client = new ServerClient(server.url(), null);
      String id = client.post("/api/runs", "{}").json().path("id").asText();
      for (int i = 0; i < 600 && !client.get("/api/runs/" + id).json().path("nodes").findValuesAsText("kind")
          .contains("model"); i++) {
        Thread.sleep(100);
      }
      assertThat(client.post("/api/runs/" + id + "/cancel", "").status()).isEqualTo(202);
      JsonNode cancelled = client.awaitRun(id, Duration.ofMinutes(2));
      assertThat(cancelled.path("status").asText()).as(cancelled.toString()).isEqualTo("cancelled");
      assertThat(client.post("/api/runs/" + id + "/cancel", "").status()).isEqualTo(409);
      JsonNode tables = client.get("/api/tables").json().path("tables");
      // What the run created and never published is dropped; the batches it committed stay.
      assertThat(tables.findValuesAsText("name")).contains("raw.customer_events")
          .allMatch(name -> name.startsWith("raw."));
      for (JsonNode table : tables) {
        JsonNode detail = client.get("/api/tables/" + table.path("name").asText()).json();
        assertThat(detail.path("refs").findValuesAsText("name")).as(detail.path("name").asText())
            .allMatch(name -> !name.startsWith("floe_"));
      }

      String next = client.post("/api/runs", "{}").json().path("id").asText();
      JsonNode build = client.awaitRun(next, Duration.ofMinutes(3));
      assertThat(build.path("status").asText()).as(build.toString()).isEqualTo("success");
      long rows = client.get("/api/tables/gold.daily_metrics").json().path("rows").asLong();
      assertThat(rows).isPositive();
    }
  }
}
