package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project whose warehouse is on S3 (a real S3 API server, S3Proxy, on 127.0.0.1) runs as on the
 * local disk: ingest (the DuckDB fast path and the Spark upsert path), models, tests, publish, time
 * travel and a branch; the bucket holds the tables' files and the project directory none.
 * Credentials come from ${env:...} secrets (set for the test JVM in floe-cli's pom.xml).
 */
class S3StorageCliTest {
  static final String ACCESS_KEY_ENV = "FLOE_TEST_S3_ACCESS_KEY_ID";
  static final String SECRET_KEY_ENV = "FLOE_TEST_S3_SECRET_ACCESS_KEY";
  private static final String BUCKET = "lake";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path s3Dir;
  static S3ProxyServer s3;

  @TempDir Path project;

  @BeforeAll
  static void startS3() throws Exception {
    assertThat(System.getenv(SECRET_KEY_ENV)).as("set by floe-cli's pom.xml for the test JVM").isNotBlank();
    s3 = S3ProxyServer.start(s3Dir, System.getenv(ACCESS_KEY_ENV), System.getenv(SECRET_KEY_ENV));
    s3.createBucket(BUCKET);
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void theProjectRunsEndToEndWithItsWarehouseOnS3() throws Exception {
    writeProject(project, "warehouse", s3.endpoint(), "${env:" + SECRET_KEY_ENV + "}");
    write(project.resolve("landing/orders/orders_1.csv"), """
        order_id,customer_id,amount
        1,10,25.50
        2,11,42.00
        3,10,13.99
        """);
    write(project.resolve("landing/customers/customers_1.csv"), """
        customer_id,name
        10,ann
        11,bob
        """);

    assertThat(floe(project, "build").ok()).contains("Published to main.");
    assertThat(csv("SELECT customer_id, name, orders, total FROM gold.customer_totals ORDER BY customer_id"))
        .isEqualTo("customer_id,name,orders,total\n10,ann,2,39.49\n11,bob,1,42.00\n");

    // A second file of orders and a changed customer: the append and the upsert land on S3 too.
    write(project.resolve("landing/orders/orders_2.csv"), "order_id,customer_id,amount\n4,11,8.00\n");
    write(project.resolve("landing/customers/customers_2.csv"), "customer_id,name\n11,bobby\n");
    assertThat(floe(project, "build").ok()).contains("Published to main.");
    assertThat(csv("SELECT customer_id, name, orders, total FROM gold.customer_totals ORDER BY customer_id"))
        .isEqualTo("customer_id,name,orders,total\n10,ann,2,39.49\n11,bobby,2,50.00\n");

    // Time travel: the first snapshot of bronze.orders still reads from the bucket.
    JsonNode snapshots = JSON.readTree(floe(project, "snapshots", "bronze.orders", "-o", "json").ok());
    assertThat(snapshots).hasSize(2);
    long first = snapshots.get(0).get("snapshot_id").asLong();
    assertThat(csv("SELECT count(*) AS n FROM bronze.orders VERSION AS OF " + first)).isEqualTo("n\n3\n");

    // A branch takes a write that main does not see.
    floe(project, "branch", "create", "bronze.orders", "dev").ok();
    floe(project, "sql", "INSERT INTO bronze.orders.branch_dev (order_id, customer_id, amount)"
        + " VALUES (5, 10, 1.00)").ok();
    assertThat(csv("SELECT count(*) AS n FROM bronze.orders VERSION AS OF 'dev'")).isEqualTo("n\n5\n");
    assertThat(csv("SELECT count(*) AS n FROM bronze.orders")).isEqualTo("n\n4\n");
    floe(project, "branch", "drop", "bronze.orders", "dev").ok();

    // The bucket holds the tables; DuckDB's files (floe-*.parquet) were copied there, not left behind.
    List<String> keys = s3.keys(BUCKET, "warehouse/");
    assertThat(keys).anyMatch(key -> key.matches("warehouse/bronze/orders/data/floe-.*\\.parquet"))
        .anyMatch(key -> key.matches("warehouse/bronze/customers/data/.*\\.parquet"))
        .anyMatch(key -> key.matches("warehouse/gold/customer_totals/metadata/.*\\.metadata\\.json"));
    try (Stream<Path> files = Files.walk(project)) {
      assertThat(files.filter(file -> file.toString().endsWith(".parquet"))).isEmpty();
    }
  }

  @Test
  void aWrongSecretKeyIsOneLineNamingEndpointBucketAndKeys() throws Exception {
    String wrongSecret = "not-the-secret-0123456789";
    write(project.resolve("wrong-secret"), wrongSecret);
    writeProject(project, "wrong", s3.endpoint(), "${file:wrong-secret}");

    CliRun run = floe(project, "sql", "CREATE TABLE bronze.t (id BIGINT)");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().strip()).isEqualTo("error: The S3 store at " + s3.endpoint() + " refused access to bucket"
        + " 'lake' (403 SignatureDoesNotMatch). Check storage.access-key-id and storage.secret-access-key in floe.yaml (and"
        + " the secrets they name), and that the key may read and write the bucket.");
    assertThat(run.err() + run.out()).doesNotContain(wrongSecret).doesNotContain(System.getenv(SECRET_KEY_ENV));
  }

  @Test
  void anUnreachableEndpointIsOneLineNamingEndpointAndBucket() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    writeProject(project, "unreachable", "http://127.0.0.1:" + closedPort, "${env:" + SECRET_KEY_ENV + "}");

    CliRun run = floe(project, "sql", "CREATE TABLE bronze.t (id BIGINT)");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err().strip()).isEqualTo("error: Cannot reach the S3 endpoint http://127.0.0.1:" + closedPort
        + " (bucket 'lake'): connection refused. Check storage.endpoint in floe.yaml, and that the store is running"
        + " and reachable from this machine.");
  }

  /**
   * Virtual-host addressing (path-style-access: false) sends requests to http://lake.localhost:PORT. No
   * resolver here knows lake.localhost, so floe runs in a new JVM whose resolver is a hosts file
   * (jdk.net.hosts.file) naming it, as DNS would for a real store.
   */
  @Test
  void virtualHostAddressingReachesTheBucketByItsHostName(@TempDir Path s3VirtualHostDir) throws Exception {
    // A server of its own: with a virtual host set, S3Proxy reads every Host but that one as a bucket.
    try (S3ProxyServer virtualHostS3 = S3ProxyServer.start(s3VirtualHostDir, System.getenv(ACCESS_KEY_ENV),
        System.getenv(SECRET_KEY_ENV), "localhost")) {
      virtualHostS3.createBucket(BUCKET);
      ingestThroughVirtualHost(virtualHostS3);
    }
  }

  private void ingestThroughVirtualHost(S3ProxyServer virtualHostS3) throws Exception {
    writeProject(project, "virtual-host", virtualHostS3.virtualHostEndpoint(), "${env:" + SECRET_KEY_ENV + "}");
    Files.writeString(project.resolve("floe.yaml"), Files.readString(project.resolve("floe.yaml"))
        .replace("path-style-access: true", "path-style-access: false"));
    write(project.resolve("landing/orders/orders_1.csv"), "order_id,customer_id,amount\n1,10,25.50\n");
    write(project.resolve("landing/customers/customers_1.csv"), "customer_id,name\n10,ann\n");
    Path hosts = project.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost " + BUCKET + ".localhost "
        + java.net.InetAddress.getLocalHost().getHostName() + "\n");

    Process process = FloeProcess.start(project, true, List.of("-Djdk.net.hosts.file=" + hosts), "ingest");
    java.util.concurrent.CompletableFuture<String> errors = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> text(process.getErrorStream()));
    String output = text(process.getInputStream());

    assertThat(process.waitFor()).as(errors.get()).isZero();
    assertThat(output).contains("orders -> bronze.orders: 1 row");
    assertThat(virtualHostS3.keys(BUCKET, "virtual-host/")).anyMatch(key -> key.matches("virtual-host/bronze/orders/data/.*"));
  }

  /**
   * The catalog and storage keys of a project whose warehouse is {@code s3://bucket/prefix} on the S3
   * API at {@code endpoint}, with the test JVM's access key and {@code secret} as the secret key.
   */
  static String warehouseOnS3(String bucket, String prefix, String endpoint, String secret) {
    return """
        catalog:
          warehouse: s3://%s/%s
        storage:
          type: s3
          endpoint: %s
          region: us-east-1
          path-style-access: true
          access-key-id: ${env:%s}
          secret-access-key: %s
        """.formatted(bucket, prefix, endpoint, ACCESS_KEY_ENV, secret);
  }

  static void writeProject(Path project, String warehousePrefix, String endpoint, String secret)
      throws IOException {
    write(project.resolve("floe.yaml"), """
        name: s3shop
        namespaces: [bronze, silver, gold]
        %s
        sources:
          orders:
            type: csv
            path: landing/orders/*.csv
            schema:
              order_id: bigint
              customer_id: bigint
              amount: decimal(10,2)
          customers:
            type: csv
            path: landing/customers/*.csv
            schema:
              customer_id: bigint
              name: string
            mode: upsert
            primary-key: [customer_id]
        """.formatted(warehouseOnS3(BUCKET, warehousePrefix, endpoint, secret).strip()));
    write(project.resolve("models/gold/customer_totals.sql"), """
        {{ config(materialized='table') }}
        select c.customer_id, c.name, count(*) as orders, sum(o.amount) as total
        from {{ source('bronze', 'customers') }} c
        join {{ source('bronze', 'orders') }} o on o.customer_id = c.customer_id
        group by c.customer_id, c.name
        """);
    write(project.resolve("models/gold/schema.yml"), """
        models:
          - name: customer_totals
            columns:
              - name: customer_id
                tests: [not_null, unique]
        """);
  }

  private static String text(java.io.InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private String csv(String query) {
    return floe(project, "sql", "-o", "csv", query).ok();
  }

  static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
