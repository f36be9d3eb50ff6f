package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.FloeException;
import io.floe.examples.projects.ExampleProjects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With tokens, the API, the metrics and the catalog endpoint let a read token read and only the write token write. */
class ServerTokensTest {
  private static final String READ = "read-token-1f3a";
  private static final String WRITE = "write-token-9c2e";

  @TempDir Path workspace;

  @Test
  void aReadTokenReadsAndOnlyTheWriteTokenWrites() throws Exception {
    Path project = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, project);
    FloeServer.Options options = new FloeServer.Options("127.0.0.1", 0, Optional.of(READ), Optional.of(WRITE),
        Duration.ofSeconds(5));
    try (FloeServer server = FloeServer.start(project, options)) {
      ServerClient anonymous = new ServerClient(server.url(), null);
      ServerClient reader = new ServerClient(server.url(), READ);
      ServerClient writer = new ServerClient(server.url(), WRITE);

      assertThat(anonymous.get("/health").status()).isEqualTo(200);
      assertThat(anonymous.get("/api/runs").status()).isEqualTo(401);
      assertThat(anonymous.get("/metrics").status()).isEqualTo(401);
      assertThat(new ServerClient(server.url(), "guess").get("/api/runs").status()).isEqualTo(401);
      assertThat(reader.get("/api/runs").status()).isEqualTo(200);
      assertThat(reader.get("/metrics").status()).isEqualTo(200);
      ServerClient.Answer denied = reader.post("/api/schedules/none/pause", "");
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.body()).doesNotContain(READ).doesNotContain(WRITE);
      assertThat(writer.post("/api/schedules/none/pause", "").status()).isEqualTo(404);

      try (RESTCatalog catalog = new RESTCatalog()) {
        catalog.initialize("floe", Map.of("uri", server.url() + "/iceberg", "token", READ));
        assertThat(catalog.listNamespaces()).contains(Namespace.of("gold"));
        assertThatThrownBy(() -> catalog.createNamespace(Namespace.of("not_allowed")))
            .isInstanceOf(ForbiddenException.class)
            .hasMessageContaining("may only read");
      }
      try (RESTCatalog catalog = new RESTCatalog()) {
        catalog.initialize("floe", Map.of("uri", server.url() + "/iceberg", "token", WRITE));
        catalog.createNamespace(Namespace.of("allowed"));
        assertThat(catalog.namespaceExists(Namespace.of("allowed"))).isTrue();
        catalog.dropNamespace(Namespace.of("allowed"));
      }
      assertThatThrownBy(() -> {
        try (RESTCatalog catalog = new RESTCatalog()) {
          catalog.initialize("floe", Map.of("uri", server.url() + "/iceberg"));
          catalog.listNamespaces();
        }
      }).isInstanceOf(NotAuthorizedException.class);
    }
  }

  @Test
  void anAddressOtherThanLoopbackNeedsTokens() {
    Path project = workspace.resolve("open");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, project);
    assertThatThrownBy(() -> FloeServer.start(project, new FloeServer.Options("0.0.0.0", 0, Optional.empty(),
        Optional.empty(), Duration.ofSeconds(1))))
        .isInstanceOf(FloeException.class)
        .hasMessageContaining("Serving on 0.0.0.0 (not 127.0.0.1) needs tokens")
        .hasMessageContaining("FLOE_SERVE_WRITE_TOKEN");
  }
}
