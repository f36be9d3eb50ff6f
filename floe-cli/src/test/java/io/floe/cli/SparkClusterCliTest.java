package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step from laptop to cluster: examples/models, unchanged but for {@code engine.master}, builds on
 * a Spark standalone cluster (a master and two workers, each a JVM of its own on 127.0.0.1) with
 * Floe's and Iceberg's code shipped to the executors: a first build, then changes merged with
 * deletes and an SCD2 history, and its tables equal those of the same builds in local mode.
 */
class SparkClusterCliTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "models");
  // A deleted customer's history row ends at its build's time, which differs between the two builds.
  private static final List<String> QUERIES = List.of("SELECT * FROM gold.customers ORDER BY ALL",
      "SELECT id, name, amount, updated_at, valid_from, if(is_deleted, NULL, valid_to) AS valid_to, is_current,"
          + " is_deleted FROM gold.customers_history ORDER BY ALL");

  @TempDir Path workspace;

  @Test
  void theExampleBuildsOnAStandaloneClusterAsInLocalMode() throws IOException, InterruptedException {
    Path local = copy("local");
    Path clustered = copy("clustered");
    floe(local, "build").ok();
    addChanges(local);
    floe(local, "build").ok();

    try (SparkStandaloneCluster cluster =
        SparkStandaloneCluster.start(Files.createDirectories(workspace.resolve("cluster")), 2, "1g")) {
      Files.writeString(clustered.resolve("floe.yaml"), """

          engine:
            master: %s
            executor-memory: 512m
          """.formatted(cluster.masterUrl()), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      assertThat(buildOn(clustered, "first")).contains("0 failed").contains("Published to main.");
      addChanges(clustered);
      assertThat(buildOn(clustered, "changes")).contains("0 failed").contains("Published to main.");
      // The executors ran both builds: the master lists them as applications named floe.
      assertThat(cluster.status()).contains("\"name\" : \"floe\"");
    }

    for (String query : QUERIES) {
      assertThat(rows(clustered, query)).as(query).isEqualTo(rows(local, query)).contains("cathy");
    }
  }

  private Path copy(String name) throws IOException {
    Path project = workspace.resolve(name);
    ExampleCopies.copy(EXAMPLE, project);
    return project;
  }

  /** The example's second file of changes (updates, a delete, a new customer), as its README says. */
  private static void addChanges(Path project) throws IOException {
    Files.copy(project.resolve("changes/customers_002.jsonl"), project.resolve("landing/customers/customers_002.jsonl"));
  }

  private Path buildLog(String name) {
    return workspace.resolve("cluster-" + name + ".log");
  }

  /** {@code floe build} in a new JVM, whose engine runs on the cluster; returns its output. */
  private String buildOn(Path project, String name) throws IOException, InterruptedException {
    Process build = FloeProcess.startLogged(project, buildLog(name), "build");
    assertThat(build.waitFor(180, TimeUnit.SECONDS)).as("the cluster build ends in 180 s").isTrue();
    String output = Files.readString(buildLog(name), StandardCharsets.UTF_8);
    assertThat(build.exitValue()).as(output).isZero();
    return output;
  }

  private static String rows(Path project, String query) {
    return floe(project, "sql", "-o", "csv", query).ok();
  }
}
