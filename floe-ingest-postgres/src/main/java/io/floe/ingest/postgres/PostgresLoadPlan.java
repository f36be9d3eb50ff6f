package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One planned load: the query to run, and the position the table records once its rows are
 * committed.
 *
 * @param highMark the watermark the load reads up to, as PostgreSQL's text; null for a full load
 * @param primaryKey the key re-read rows are upserted by; empty when the table has none
 * @param keyRange how Spark splits the read, or null to read in one range
 */
public record PostgresLoadPlan(
    String query, String highMark, List<String> primaryKey, PostgresReader.KeyRange keyRange) {
  public PostgresLoadPlan {
    requireNonNull(query, "query is null");
    primaryKey = List.copyOf(primaryKey);
  }
}
