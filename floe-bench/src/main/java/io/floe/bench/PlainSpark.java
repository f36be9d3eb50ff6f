package io.floe.bench;

import io.floe.examples.ecommerce.GeneratedFile;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Plain Spark, as a user would write it without Floe: a session on the JVM's Spark context with an
 * Iceberg Hadoop catalog {@code plain} in a temp directory, reading CSV with
 * {@code spark.read().option("header", true).csv(...)} (every column a string) and writing with
 * {@code writeTo(...).createOrReplace()}.
 */
final class PlainSpark {
  static final String CATALOG = "plain";

  private final SparkSession session;
  private final Path warehouse;

  private PlainSpark(SparkSession session, Path warehouse) {
    this.session = session;
    this.warehouse = warehouse;
  }

  /**
   * A session of its own on the JVM's Spark context (started here if no engine started it), with the
   * same shuffle partitions as Floe's default so that the two differ in what they do, not in tuning.
   */
  static PlainSpark open(Path warehouse) {
    SparkSession base = SparkSession.builder()
        .master("local[*]")
        .appName("floe-bench")
        .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    SparkSession session = base.newSession();
    PlainSpark spark = new PlainSpark(session, warehouse);
    spark.registerCatalogIn(session);
    session.conf().set("spark.sql.shuffle.partitions", "4");
    session.conf().set("spark.sql.session.timeZone", "UTC");
    return spark;
  }

  /** Makes this catalog's tables readable in another session (Floe's), as {@code plain.<ns>.<table>}. */
  void registerCatalogIn(SparkSession other) {
    other.conf().set("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
    other.conf().set("spark.sql.catalog." + CATALOG + ".type", "hadoop");
    other.conf().set("spark.sql.catalog." + CATALOG + ".warehouse", warehouse.toAbsolutePath().toUri().toString());
  }

  SparkSession session() {
    return session;
  }

  void sql(String statement) {
    SparkSession.setActiveSession(session);
    session.sql(statement).collect();
  }

  long count(String table) {
    SparkSession.setActiveSession(session);
    return session.table(table).count();
  }

  /** Drops the tables of a previous run with their files. */
  void dropTables(String namespace, List<GeneratedFile> files) {
    sql("CREATE NAMESPACE IF NOT EXISTS " + CATALOG + "." + namespace);
    for (GeneratedFile file : files) {
      sql("DROP TABLE IF EXISTS " + table(namespace, file) + " PURGE");
    }
  }

  /** Reads each CSV file and writes it into {@code plain.<namespace>.<table>}. */
  void csvToIceberg(String namespace, List<GeneratedFile> files) throws Exception {
    SparkSession.setActiveSession(session);
    for (GeneratedFile file : files) {
      session.read().option("header", true).csv(file.path().toAbsolutePath().toString())
          .writeTo(table(namespace, file)).createOrReplace();
    }
  }

  void checkRows(String namespace, List<GeneratedFile> files) {
    for (GeneratedFile file : files) {
      BenchChecks.rows("Spark's " + table(namespace, file), count(table(namespace, file)), file.rows());
    }
  }

  static String table(String namespace, GeneratedFile file) {
    return CATALOG + "." + namespace + "." + file.table();
  }
}
