package io.floe.spark;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.project.CatalogProperties;
import io.floe.core.project.Project;
import io.floe.spark.sql.QueryResult;
import io.floe.spark.sql.SparkErrors;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.spark.SparkCatalog;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A project's view of the lakehouse: a Spark session whose default catalog is the project's
 * Iceberg catalog. Table names in SQL and in this API are {@code namespace.table}.
 */
public final class FloeEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FloeEngine.class);

  private final Project project;
  private final SparkSession session;
  private final String catalogName;
  private final SecretRedactor redactor;

  private FloeEngine(
      Project project, SparkSession session, String catalogName, SecretRedactor redactor) {
    this.project = project;
    this.session = session;
    this.catalogName = catalogName;
    this.redactor = redactor;
  }

  /**
   * Starts (or joins) the JVM's Spark context and opens the project's catalog in a session of its
   * own. Secrets in the catalog configuration are resolved here.
   *
   * @throws FloeException if the configuration cannot be resolved or the catalog cannot be reached
   */
  public static FloeEngine open(Project project) {
    requireNonNull(project, "project is null");
    Map<String, String> catalogProperties = CatalogProperties.icebergProperties(project);
    SecretRedactor redactor = SecretRedactor.of(project);
    try {
      return open(project, catalogProperties, redactor);
    } catch (FloeException e) {
      throw redactor.redact(e);
    }
  }

  /**
   * Starts this JVM's Spark context for {@code project} on a daemon thread, and prepares its local
   * executor on another, so that what a command does before {@link #open} (loading its models and
   * sources) runs beside them; {@link #open} then joins the context. A failure here is left for
   * {@link #open} to report. In a new JVM, Spark's start is about 1.5 s and a command's own loading
   * about 0.8 s: side by side, they overlap.
   */
  public static void startInBackground(Project project) {
    requireNonNull(project, "project is null");
    io.floe.spark.local.LocalExecutor.prepareInBackground(project);
    Thread thread = new Thread(() -> {
      try {
        applyS3ClientSettings(project);
        SparkSessions.base(project.config().engine());
      } catch (RuntimeException e) {
        LOG.debug("Spark did not start ahead of the engine; opening the engine starts it and reports why not", e);
      }
    }, "floe-engine-start");
    thread.setDaemon(true);
    thread.start();
  }

  private static final int CATALOG_SETUP_ATTEMPTS = 5;

  // Iceberg's JdbcCatalog reports a failed creation of its own tables with this message.
  private static boolean isCatalogSetupRace(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause.getMessage() != null && cause.getMessage().contains("Cannot check and eventually update SQL schema")) {
        return true;
      }
    }
    return false;
  }

  private static void sleepBeforeRetry() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw FloeException.cancelled("Opening the catalog was interrupted");
    }
  }

  private static FloeEngine open(
      Project project, Map<String, String> catalogProperties, SecretRedactor redactor) {
    long start = System.nanoTime();
    // Iceberg makes its delete pool on first use and registers a JVM shutdown hook for it; first
    // used while the JVM shuts down (a run cancelled by SIGTERM dropping a table it created), that
    // fails with ExceptionInInitializerError and the table stays. Made now, it is there when needed.
    org.apache.iceberg.util.ThreadPools.getDeleteWorkerPool();
    org.apache.iceberg.util.ThreadPools.getWorkerPool();
    applyS3ClientSettings(project);
    SparkSession session = SparkSessions.base(project.config().engine()).newSession();
    SparkSessions.applySessionSettings(session, project.config().engine());
    String catalogName = project.config().catalog().name();
    String prefix = "spark.sql.catalog." + catalogName;
    session.conf().set(prefix, SparkCatalog.class.getName());
    // Every command opens a fresh engine; a table cache would only hide other processes' commits.
    session.conf().set(prefix + ".cache-enabled", "false");
    // Manifests are never rewritten in place (a commit writes new ones), so their contents can be kept
    // by path: each scan planned again in the process (the next run's, a kept query's) reads fewer.
    session.conf().set(prefix + ".io.manifest.cache-enabled", "true");
    catalogProperties.forEach((key, value) -> session.conf().set(prefix + "." + key, value));
    session.conf().set("spark.sql.defaultCatalog", catalogName);
    // Spark resolves catalogs through the thread's active session's conf (SQLConf.get).
    SparkSession.setActiveSession(session);
    FloeEngine engine = new FloeEngine(project, session, catalogName, redactor);
    for (int attempt = 1; ; attempt++) {
      try {
        SparkErrors.translate(
            "open catalog '" + catalogName + "'",
            () -> {
              engine.createDeclaredNamespaces();
              return null;
            });
        break;
      } catch (FloeException e) {
        if (attempt < CATALOG_SETUP_ATTEMPTS && isCatalogSetupRace(e)) {
          // Two processes opening a new JDBC catalog at once both create its tables; the loser sees
          // them half-made (SQLite: locked). Spark keeps no catalog that failed to load: try again.
          LOG.info("Catalog '{}' is being set up by another process; opening it again", catalogName);
          sleepBeforeRetry();
          continue;
        }
        throw CatalogErrors.opening(project, catalogProperties.get("uri"), e, redactor::redact);
      }
    }
    LOG.info(
        "Engine ready: catalog '{}' ({}), master {}, in {} ms",
        catalogName,
        project.config().catalog().type(),
        project.config().engine().master(),
        (System.nanoTime() - start) / 1_000_000);
    return engine;
  }

  // The AWS SDK reads its checksum modes from system properties when it builds a client; Iceberg has
  // no catalog property for them. Since SDK 2.30 uploads carry trailing checksums by default, which
  // S3-compatible stores such as S3Proxy, Ceph and older MinIO refuse ("x-amz-content-sha256 does
  // not match"), hence storage.request-checksums.
  private static void applyS3ClientSettings(Project project) {
    if (project.config().storage().isS3()) {
      io.floe.spark.storage.LegacyMd5Checksums.setModes(project.config().storage().requestChecksums());
    }
  }

  /**
   * Runs {@code action} when the JVM shuts down (SIGTERM, Ctrl-C), before Spark stops its context:
   * a plain JVM shutdown hook runs beside Spark's, which fails every running job at once. Spark's
   * hooks run inside Hadoop's shutdown window (30 s by default), so {@code action} should take less.
   */
  public static void beforeSparkStops(Runnable action) {
    requireNonNull(action, "action is null");
    org.apache.spark.util.ShutdownHookManager.addShutdownHook(
        org.apache.spark.util.ShutdownHookManager.SPARK_CONTEXT_SHUTDOWN_PRIORITY() + 1,
        new scala.runtime.AbstractFunction0<scala.runtime.BoxedUnit>() {
          @Override
          public scala.runtime.BoxedUnit apply() {
            action.run();
            return scala.runtime.BoxedUnit.UNIT;
          }
        });
  }

  public Project project() {
    return project;
  }

  public SparkSession session() {
    return session;
  }

  public String catalogName() {
    return catalogName;
  }

  /** The project's Iceberg catalog, as Iceberg's own API. */
  public Catalog icebergCatalog() {
    SparkSession.setActiveSession(session);
    SparkCatalog sparkCatalog =
        (SparkCatalog) session.sessionState().catalogManager().catalog(catalogName);
    return sparkCatalog.icebergCatalog();
  }

  /** Runs one SQL statement and collects at most {@code maxRows} rows of its result. */
  public QueryResult sql(String statement, int maxRows) {
    try {
      return SparkErrors.translate(
          "run SQL", () -> QueryResult.collect(session.sql(statement), maxRows));
    } catch (FloeException e) {
      throw redactor.redact(e);
    }
  }

  /**
   * Runs a read-only query and collects at most {@code maxRows} rows, through the process's
   * {@link io.floe.spark.local.LocalExecutor} when it takes the query (the same rows), else Spark.
   *
   * @param description what the query is, for the log
   */
  public QueryResult query(String statement, int maxRows, String description) {
    try {
      return SparkErrors.translate("run SQL", () -> {
        io.floe.spark.local.LocalQuery query = io.floe.spark.local.LocalQuery.of(session, statement);
        java.util.Optional<io.floe.spark.local.LocalExecutor> executor = io.floe.spark.local.LocalExecutor.of(this);
        java.util.Optional<org.apache.spark.sql.types.StructType> known =
            executor.flatMap(local -> local.knownSchema(this, query));
        java.util.Optional<List<List<Object>>> local =
            executor.flatMap(runner -> runner.collect(this, query, maxRows, description));
        return local.isPresent() ? QueryResult.of(known.orElseGet(() -> query.rows().schema()), local.get(), maxRows)
            : QueryResult.collect(query.rows(), maxRows);
      });
    } catch (FloeException e) {
      throw redactor.redact(e);
    }
  }

  /**
   * Loads a table by {@code namespace.table} (or {@code catalog.namespace.table}).
   *
   * @throws FloeException (user) if there is no such table
   */
  public Table table(String name) {
    return findTable(name).orElseThrow(() -> FloeException.user(
        "Cannot find table '%s' in catalog '%s'. Run 'floe tables' to list the tables.", name, catalogName));
  }

  /**
   * Loads a table by {@code namespace.table} (or {@code catalog.namespace.table}) if the catalog has
   * one by that name (a view is not a table).
   */
  public java.util.Optional<Table> findTable(String name) {
    return findTable(identifier(name));
  }

  /**
   * Loads a table if the catalog has one by that name, reading its metadata once: Iceberg's
   * {@code tableExists} loads the table too, so asking it first read and parsed every table's
   * metadata file twice (about 40 loads of each table in a run of the e-commerce example).
   */
  public java.util.Optional<Table> findTable(TableIdentifier identifier) {
    Catalog catalog = icebergCatalog();
    return SparkErrors.translate("load table " + identifier, () -> {
      try {
        return java.util.Optional.of(catalog.loadTable(identifier));
      } catch (org.apache.iceberg.exceptions.NoSuchTableException e) {
        return java.util.Optional.<Table>empty();
      }
    });
  }

  /** Every table of every namespace, as {@code namespace.table}, sorted. */
  public List<TableIdentifier> tables() {
    Catalog catalog = icebergCatalog();
    List<TableIdentifier> tables = new ArrayList<>();
    if (catalog instanceof SupportsNamespaces namespaces) {
      for (Namespace namespace : namespaces.listNamespaces()) {
        tables.addAll(catalog.listTables(namespace));
      }
    }
    tables.sort((a, b) -> a.toString().compareTo(b.toString()));
    return tables;
  }

  /** Every view of every namespace, as {@code namespace.view}, sorted; none when the catalog keeps no views. */
  public List<TableIdentifier> views() {
    Catalog catalog = icebergCatalog();
    List<TableIdentifier> views = new ArrayList<>();
    if (catalog instanceof SupportsNamespaces namespaces && catalog instanceof ViewCatalog viewCatalog) {
      for (Namespace namespace : namespaces.listNamespaces()) {
        views.addAll(viewCatalog.listViews(namespace));
      }
    }
    views.sort((a, b) -> a.toString().compareTo(b.toString()));
    return views;
  }

  private TableIdentifier identifier(String name) {
    String trimmed = requireNonNull(name, "name is null").trim();
    if (trimmed.startsWith(catalogName + ".") && trimmed.split("\\.").length > 2) {
      trimmed = trimmed.substring(catalogName.length() + 1);
    }
    if (!trimmed.contains(".")) {
      throw FloeException.user(
          "Cannot resolve table '%s': expected namespace.table, e.g. bronze.events", name);
    }
    return TableIdentifier.parse(trimmed);
  }

  private void createDeclaredNamespaces() {
    if (!(icebergCatalog() instanceof SupportsNamespaces namespaces)) {
      return;
    }
    for (String name : project.config().namespaces()) {
      Namespace namespace = Namespace.of(name);
      if (!namespaces.namespaceExists(namespace)) {
        try {
          namespaces.createNamespace(namespace);
          LOG.info("Created namespace {}", name);
        } catch (RuntimeException e) {
          // Two processes opening a new catalog race to create it: the loser's insert fails.
          if (!namespaces.namespaceExists(namespace)) {
            throw e;
          }
          LOG.debug("Namespace {} was created by another process meanwhile", name, e);
        }
      }
    }
  }

  /** Releases the catalog's connections. The JVM's Spark context stays up for the next engine. */
  @Override
  public void close() {
    if (icebergCatalog() instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close catalog " + catalogName, e);
      }
    }
  }
}
