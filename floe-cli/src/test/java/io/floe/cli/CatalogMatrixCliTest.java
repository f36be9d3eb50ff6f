package io.floe.cli;

import static io.floe.cli.CliRun.floe;
import static org.assertj.core.api.Assertions.assertThat;

import io.floe.server.FloeServer;
import io.floe.spark.materialize.MultiTablePublish;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same small project through the CLI on every kind of catalog and storage: a CSV is ingested,
 * bronze and silver models are built and tested, published, read back with {@code floe sql}, and an
 * earlier snapshot is read by time travel. PostgreSQL is a real one (embedded binaries from Maven
 * Central); the REST catalog is {@code floe serve}'s endpoint of another project on 127.0.0.1; S3 is
 * S3Proxy, a real S3 API server, on 127.0.0.1.
 */
class CatalogMatrixCliTest {
  private static final String PASSWORD = "catalog-pw-5e1d";
  private static final String WRITE_TOKEN = "write-token-77ab";

  /** Where the catalog's tables live. */
  enum Storage {
    LOCAL("", ""),
    // A bucket of S3Proxy on 127.0.0.1 (a real S3 API server), its keys as secrets from the environment
    // (floe-cli's surefire configuration sets them).
    S3("  warehouse: s3://matrix/{cell}\n", """
        storage:
          type: s3
          endpoint: {endpoint}
          region: us-east-1
          path-style-access: true
          access-key-id: ${env:FLOE_TEST_S3_ACCESS_KEY_ID}
          secret-access-key: ${env:FLOE_TEST_S3_SECRET_ACCESS_KEY}
        """);

    private final String warehouseLines;
    private final String storageBlock;

    Storage(String warehouseLines, String storageBlock) {
      this.warehouseLines = warehouseLines;
      this.storageBlock = storageBlock;
    }

    /** Lines under catalog: for a JDBC catalog (the REST server's project, or this project). */
    String warehouseLines(Path workspace) {
      return warehouseLines.replace("{cell}", workspace.getFileName().toString());
    }

    /** The top-level storage: block. */
    String storageBlock() {
      return s3 == null ? storageBlock : storageBlock.replace("{endpoint}", s3.endpoint());
    }
  }

  /** Which catalog holds the project's tables; each writes its floe.yaml catalog: block. */
  enum Catalog {
    SQLITE, POSTGRES, REST
  }

  private static EmbeddedPostgres postgres;
  private static S3ProxyServer s3;
  private static int databases;

  @TempDir Path workspace;

  static Stream<Arguments> matrix() {
    List<Arguments> cells = new ArrayList<>();
    for (Catalog catalog : Catalog.values()) {
      for (Storage storage : Storage.values()) {
        cells.add(Arguments.of(catalog, storage));
      }
    }
    return cells.stream();
  }

  @BeforeAll
  static void startCatalogServers() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    // A role that must give its password (the embedded server trusts its superuser on localhost).
    execute("CREATE ROLE floe LOGIN PASSWORD '" + PASSWORD + "'");
    requirePasswords();
    s3 = S3ProxyServer.start(Files.createTempDirectory("floe-matrix-s3"), System.getenv(S3StorageCliTest.ACCESS_KEY_ENV),
        System.getenv(S3StorageCliTest.SECRET_KEY_ENV));
    s3.createBucket("matrix");
  }

  @AfterAll
  static void stopCatalogServers() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @ParameterizedTest(name = "{0} catalog, {1} storage")
  @MethodSource("matrix")
  void aProjectIngestsBuildsTestsPublishesAndTimeTravels(Catalog catalog, Storage storage) throws Exception {
    try (FloeServer restServer = catalog == Catalog.REST ? restServer(storage) : null) {
      run(catalog, storage, restServer);
    }
  }

  private void run(Catalog catalog, Storage storage, FloeServer restServer) throws Exception {
    Path project = workspace.resolve("shop");
    String database = catalog == Catalog.POSTGRES ? newDatabase() : null;
    writeProject(project, catalog, storage, database, restServer);
    Files.writeString(project.resolve("landing/orders_1.csv"), "order_id,customer,amount\n1,ann,10\n2,bob,20\n"
        + "3,ann,5\n");

    List<String> publishLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    String built;
    try (AutoCloseable capture = capture(MultiTablePublish.class, publishLog)) {
      built = floe(project, "build").ok();
    }

    assertThat(built).contains("| customer_totals ", "Published to main.");
    assertThat(publishLog).as("the run's tables are published in one commit of the catalog").anyMatch(line ->
        line.startsWith(catalog == Catalog.REST ? "Published 1 tables in one commit of the REST catalog"
            : "Published 1 tables in one catalog transaction"));
    // One query per step: each floe command opens an engine and the catalog anew.
    String published = csv(project, "SELECT customer, total, orders, (SELECT count(*) FROM bronze.orders_clean)"
        + " AS clean, (SELECT snapshot_id FROM silver.customer_totals.refs WHERE name = 'main') AS main"
        + " FROM silver.customer_totals ORDER BY customer");
    String first = published.lines().skip(1).findFirst().orElseThrow().replaceAll(".*,", "");
    assertThat(published.replace("," + first + "\n", "\n"))
        .isEqualTo("customer,total,orders,clean,main\nann,15,2,3\nbob,20,1,3\n");

    Files.writeString(project.resolve("landing/orders_2.csv"), "order_id,customer,amount\n4,cat,7\n");
    floe(project, "build").ok();
    assertThat(csv(project, "SELECT customer, total, (SELECT count(*) FROM silver.customer_totals VERSION AS OF "
        + first + ") AS before FROM silver.customer_totals ORDER BY customer"))
        .as("the second build's rows, and by time travel the first build's row count")
        .isEqualTo("customer,total,before\nann,15,2\nbob,20,2\ncat,7,2\n");

    if (catalog == Catalog.POSTGRES) {
      assertAnotherEngineSeesTheTables(project, database, storage);
    }
  }

  @Test
  void aWrongPasswordOrTokenIsOneLineNamingTheCatalogAndWhatToCheck() throws Exception {
    Path project = workspace.resolve("shop");
    String database = newDatabase();
    writeProject(project, Catalog.POSTGRES, Storage.LOCAL, database, null);
    Files.writeString(project.resolve("secrets/catalog-password"), "not-the-password\n");

    CliRun wrongPassword = floe(project, "tables");

    assertThat(wrongPassword.exitCode()).as("external errors exit with 3").isEqualTo(3);
    assertThat(wrongPassword.err().strip().lines()).hasSize(1);
    assertThat(wrongPassword.err().strip()).isEqualTo("error: Cannot open catalog 'lake' at " + jdbcUrl(database)
        + ": FATAL: password authentication failed for user \"floe\". Check catalog.user and catalog.password in "
        + "floe.yaml: the database refused them.");

    try (FloeServer restServer = restServer(Storage.LOCAL)) {
      Path client = workspace.resolve("client");
      writeProject(client, Catalog.REST, Storage.LOCAL, null, restServer);
      Files.writeString(client.resolve("secrets/catalog-token"), "read-token-01\n");
      CliRun readOnly = floe(client, "tables");
      assertThat(readOnly.exitCode()).isEqualTo(3);
      assertThat(readOnly.err().strip().lines()).hasSize(1);
      assertThat(readOnly.err()).startsWith("error: Cannot open catalog 'floe' at " + restServer.url() + "/iceberg: ")
          .contains("may only read").endsWith("Check catalog.token or catalog.credential in floe.yaml: the server "
              + "refused them.\n").doesNotContain("read-token-01");
    }
  }

  /**
   * What Trino's Iceberg connector does with {@code iceberg.catalog.type=jdbc} and
   * {@code iceberg.jdbc-catalog.catalog-name}: Iceberg's own JdbcCatalog, opened apart from Floe
   * under the name of floe.yaml's catalog.name, lists and reads Floe's tables without registering them.
   */
  private static void assertAnotherEngineSeesTheTables(Path project, String database, Storage storage)
      throws IOException {
    Map<String, String> properties = new java.util.HashMap<>(Map.of("uri", jdbcUrl(database), "jdbc.user", "floe",
        "jdbc.password", PASSWORD, "warehouse", project.resolve("unused").toUri().toString()));
    if (storage == Storage.S3) {
      // As Trino would be configured for the bucket: its own S3 client with the same endpoint and keys.
      properties.putAll(Map.of("io-impl", "org.apache.iceberg.aws.s3.S3FileIO", "s3.endpoint", s3.endpoint(),
          "s3.path-style-access", "true", "client.region", "us-east-1",
          "s3.access-key-id", System.getenv(S3StorageCliTest.ACCESS_KEY_ENV),
          "s3.secret-access-key", System.getenv(S3StorageCliTest.SECRET_KEY_ENV)));
    }
    try (JdbcCatalog other = new JdbcCatalog()) {
      other.initialize("lake", properties);
      assertThat(other.listTables(Namespace.of("silver")))
          .contains(TableIdentifier.of("silver", "customer_totals"));
      Table table = other.loadTable(TableIdentifier.of("silver", "customer_totals"));
      List<String> rows = new ArrayList<>();
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
        records.forEach(record -> rows.add(record.getField("customer") + "=" + record.getField("total")));
      }
      assertThat(rows).containsExactlyInAnyOrder("ann=15", "bob=20", "cat=7");
    }
  }

  /** The REST catalog: another project's floe serve, with a write token as a production server has. */
  private FloeServer restServer(Storage storage) throws IOException {
    Path host = workspace.resolve("catalog-host");
    Files.createDirectories(host);
    Files.writeString(host.resolve("floe.yaml"), "name: catalog_host\nengine: {master: \"local[2]\"}\n"
        + "catalog:\n  type: jdbc\n" + storage.warehouseLines(workspace) + storage.storageBlock());
    return FloeServer.start(host, new FloeServer.Options("127.0.0.1", 0, Optional.of("read-token-01"),
        Optional.of(WRITE_TOKEN), Duration.ofSeconds(5)));
  }

  // The publish path is logged at INFO, below what the CLI shows; this listens to that one logger.
  private static AutoCloseable capture(Class<?> source, List<String> lines) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    String name = source.getName();
    Configurator.setLevel(name, Level.INFO);
    AbstractAppender appender = new AbstractAppender("capture-" + name, null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        lines.add(event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    context.getConfiguration().getLoggerConfig(name).addAppender(appender, Level.INFO, null);
    return () -> {
      context.getConfiguration().getLoggerConfig(name).removeAppender(appender.getName());
      appender.stop();
    };
  }

  private static void writeProject(Path project, Catalog catalog, Storage storage, String database,
      FloeServer restServer) throws IOException {
    Files.createDirectories(project.resolve("landing"));
    Files.createDirectories(project.resolve("secrets"));
    String catalogBlock = switch (catalog) {
      case SQLITE -> "catalog:\n  type: jdbc\n" + storage.warehouseLines(project.getParent());
      case POSTGRES -> {
        Files.writeString(project.resolve("secrets/catalog-password"), PASSWORD + "\n");
        yield """
            catalog:
              name: lake
              type: jdbc
              uri: %s
              user: floe
              password: ${file:secrets/catalog-password}
            """.formatted(jdbcUrl(database)) + storage.warehouseLines(project.getParent());
      }
      case REST -> {
        Files.writeString(project.resolve("secrets/catalog-token"), WRITE_TOKEN + "\n");
        yield """
            catalog:
              type: rest
              uri: %s/iceberg
              token: ${file:secrets/catalog-token}
            """.formatted(restServer.url());
      }
    };
    // A REST client's tables go where the server puts them: its storage: block only gives access.
    Files.writeString(project.resolve("floe.yaml"), """
        name: matrix
        engine: {master: "local[2]"}
        namespaces: [raw, bronze, silver]
        sources:
          orders: {type: csv, path: landing/orders_*.csv, target: raw.orders}
        """ + catalogBlock + storage.storageBlock());
    write(project, "models/bronze/orders_clean.sql", """
        {{ config(materialized='view') }}
        select cast(order_id as int) as order_id, customer, cast(amount as int) as amount
        from {{ source('raw', 'orders') }}
        """);
    write(project, "models/silver/customer_totals.sql", """
        {{ config(materialized='table') }}
        select customer, sum(amount) as total, count(*) as orders from {{ ref('orders_clean') }} group by customer
        """);
    write(project, "models/silver/schema.yml", """
        models:
          - name: customer_totals
            columns:
              - name: customer
                tests: [not_null, unique]
        """);
  }

  private static String csv(Path project, String sql) {
    return floe(project, "sql", "-o", "csv", sql).ok();
  }

  private static void write(Path project, String file, String text) throws IOException {
    Path path = project.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, text);
  }

  private static synchronized String newDatabase() throws SQLException {
    String name = "lake" + ++databases;
    execute("CREATE DATABASE " + name + " OWNER floe");
    return name;
  }

  private static String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
  }

  // Password authentication for TCP connections, as a production server has; the fixture's own
  // superuser connections (postgres on 127.0.0.1) stay trusted.
  private static void requirePasswords() throws SQLException {
    String hbaFile;
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("SHOW hba_file")) {
      rows.next();
      hbaFile = rows.getString(1);
    }
    try {
      Files.writeString(Path.of(hbaFile), String.join("\n", Arrays.asList(
          "host all postgres 127.0.0.1/32 trust",
          "host all postgres ::1/128 trust",
          "host all all 127.0.0.1/32 scram-sha-256",
          "host all all ::1/128 scram-sha-256",
          "")));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    execute("SELECT pg_reload_conf()");
  }

  private static void execute(String... statements) throws SQLException {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
