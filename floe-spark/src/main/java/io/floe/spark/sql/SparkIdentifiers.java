package io.floe.spark.sql;

/** Identifiers in Spark SQL: one way to quote a column or table name wherever Floe writes SQL. */
public final class SparkIdentifiers {
  private SparkIdentifiers() {}

  /**
   * A name in backticks, with any backtick in it doubled: Spark then reads it as one identifier, so
   * dots, spaces and keywords in a name are not paths, separators or syntax.
   */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
