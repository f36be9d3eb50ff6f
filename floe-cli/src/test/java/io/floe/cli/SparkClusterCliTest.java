package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step from laptop to cluster: examples/models with the production blocks of
 * docs/production-floe.yaml (a PostgreSQL catalog, the warehouse on S3, a Spark standalone master),
 * their addresses replaced by real servers on 127.0.0.1 (an embedded PostgreSQL, S3Proxy, a master
 * and two workers, each a JVM of its own), builds with Floe's and Iceberg's code shipped to the
 * executors: a first build, then the example's changes merged with deletes and an SCD2 history. Its
 * tables equal those of the same builds on a laptop's defaults.
 */
class SparkClusterCliTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "models");
  private static final Path PRODUCTION = Path.of("..", "docs", "production-floe.yaml");
  private static final String ACCESS_KEY = "floe-cluster-test";
  private static final String SECRET_KEY = "cluster-secret-key-0123456789";
  private static final String CATALOG_PASSWORD = "catalog-password-42";
  // A deleted customer's history row ends at its build's time, which differs between the two builds.
  private static final String ROWS = "SELECT 'customers' AS t, to_json(struct(*)) AS row FROM gold.customers"
      + " UNION ALL SELECT 'history', to_json(named_struct('id', id, 'name', name, 'amount', amount, 'valid_from',"
      + " valid_from, 'valid_to', if(is_deleted, NULL, valid_to), 'is_current', is_current, 'is_deleted', is_deleted))"
      + " FROM gold.customers_history ORDER BY ALL";

  @TempDir Path workspace;

  @Test
  void theProductionConfigurationRunsTheExampleOnAClusterAsOnALaptop() throws Exception {
    Path laptop = copy("laptop");
    floe(laptop, "build").ok();
    addChanges(laptop);
    floe(laptop, "build").ok();
    String expected = floe(laptop, "sql", "-o", "csv", ROWS).ok();
    assertThat(expected).contains("cathy").contains("\"\"is_deleted\"\":true");

    Path clustered = copy("clustered");
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(workspace.resolve("s3")), ACCESS_KEY, SECRET_KEY);
        SparkStandaloneCluster cluster =
            SparkStandaloneCluster.start(Files.createDirectories(workspace.resolve("cluster")), 2, "1g")) {
      execute(postgres, "CREATE ROLE floe LOGIN PASSWORD '" + CATALOG_PASSWORD + "'",
          "CREATE DATABASE floe_catalog OWNER floe");
      s3.createBucket("lake");
      String production = Files.readString(PRODUCTION, StandardCharsets.UTF_8);
      Map<String, String> addresses = Map.of(
          "jdbc:postgresql://db.internal:5432/", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/",
          "http://minio.internal:9000", s3.endpoint(),
          "spark://spark-master.internal:7077", cluster.masterUrl());
      for (Map.Entry<String, String> address : addresses.entrySet()) {
        assertThat(production).contains(address.getKey());
        production = production.replace(address.getKey(), address.getValue());
      }
      Files.writeString(clustered.resolve("floe.yaml"), "\n" + production, StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
      Map<String, String> secrets = Map.of("FLOE_CATALOG_PASSWORD", CATALOG_PASSWORD,
          "AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);

      assertThat(run(clustered, secrets, "first-build", "build")).contains("0 failed").contains("Published to main.");
      addChanges(clustered);
      assertThat(run(clustered, secrets, "second-build", "build")).contains("0 failed").contains("Published to main.");
      String actual = run(clustered, secrets, "rows", "sql", "-o", "csv", ROWS);

      assertThat(actual).isEqualTo(expected);
      // The executors ran the builds, and the tables' files are in the bucket, not on the local disk.
      assertThat(cluster.status()).contains("\"name\" : \"floe\"");
      assertThat(s3.keys("lake", "warehouse/gold/")).anyMatch(key -> key.endsWith(".parquet"));
      assertThat(clustered.resolve(".floe/warehouse")).doesNotExist();
    }
  }

  private Path copy(String name) throws IOException {
    Path project = workspace.resolve(name);
    ExampleCopies.copy(EXAMPLE, project);
    return project;
  }

  /** The example's second file of changes (updates, a delete, a new customer), as its floe.yaml says. */
  private static void addChanges(Path project) throws IOException {
    Files.copy(project.resolve("changes/customers_002.jsonl"), project.resolve("landing/customers/customers_002.jsonl"));
  }

  /** {@code floe args...} in a new JVM, whose engine runs on the cluster; returns its output. */
  private String run(Path project, Map<String, String> env, String name, String... args)
      throws IOException, InterruptedException {
    Path log = workspace.resolve(name + ".log");
    // The executors run a few short jobs, as the driver does: C1 only (see FloeProcess), set as
    // Spark's default executor options (a system property of the driver, read into its SparkConf).
    Process process = FloeProcess.startLogged(project, log, env,
        List.of("-Dspark.executor.defaultJavaOptions=-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m"), args);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("floe %s ends in 180 s", name).isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  private static void execute(EmbeddedPostgres postgres, String... statements) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
