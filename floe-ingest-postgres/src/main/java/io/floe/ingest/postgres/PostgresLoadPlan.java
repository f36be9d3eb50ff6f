package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

/**
 * One planned load: the query to run, and the watermark window it covers.
 *
 * @param from the previous high mark (exclusive), or null for the first or a full load
 * @param to the high mark the load reads up to, as PostgreSQL's text; null for a full load
 * @param keyRange how the engine splits the read, or null to read in one range
 * @param parallelism how many ranges to read at once
 * @param copyColumns the query's columns as a binary COPY sends them, or empty when one of them has a
 *     type only the engine's JDBC reader reads
 */
record PostgresLoadPlan(String query, String from, String to, KeyRange keyRange, int parallelism,
    java.util.List<CopyColumn> copyColumns) {
  PostgresLoadPlan {
    requireNonNull(query, "query is null");
    copyColumns = java.util.List.copyOf(copyColumns);
  }

  /** An integer key column and its bounds in the load. */
  record KeyRange(String column, long min, long max) {}
}
