package io.floe.ingest.spi;

import java.util.List;

/**
 * The change-log convention: how a change source (log-based CDC, an audit table, an API that
 * reports deletes) describes each change, as columns of its rows next to the row's values (the
 * after-image; for a delete, the last values known, at least the key). The source's primary key
 * ({@code primary-key:}) is the change's key. The merge and SCD2 materializations read these
 * columns: a row whose {@link #OPERATION} is {@link #DELETE} removes (merge) or closes (scd2) its
 * key, and the changes of one key apply in {@link #SOURCE_POSITION} order.
 */
public final class ChangeLog {
  /** The operation: {@link #INSERT}, {@link #UPDATE}, {@link #DELETE} or {@link #READ}. Type string. */
  public static final String OPERATION = "_op";
  /** When the change was committed in the source (its transaction's time). Type timestamp. */
  public static final String SOURCE_TIME = "_source_ts";
  /**
   * Where the change sits in the source's order (a log sequence number, an audit event id): larger
   * is later, also across batches. Type bigint.
   */
  public static final String SOURCE_POSITION = "_source_position";
  /** The row's values before the change, when the source has them (a struct of the row's columns). */
  public static final String BEFORE = "_before";

  /** A row created. */
  public static final String INSERT = "c";
  /** A row changed. */
  public static final String UPDATE = "u";
  /** A row removed. */
  public static final String DELETE = "d";
  /** A row read by an initial snapshot, not by a change. */
  public static final String READ = "r";

  /** The columns of the convention, in the order a source should put them after the row's own. */
  public static final List<String> COLUMNS = List.of(OPERATION, SOURCE_TIME, SOURCE_POSITION, BEFORE);

  private ChangeLog() {}

  /** The column definitions of the convention (without {@link #BEFORE}, whose type is the row's). */
  public static List<SourceColumn> columns() {
    return List.of(new SourceColumn(OPERATION, "string"), new SourceColumn(SOURCE_TIME, "timestamp"),
        new SourceColumn(SOURCE_POSITION, "bigint"));
  }
}
