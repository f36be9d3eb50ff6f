package io.floe.ingest.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * A SQL query the engine runs over JDBC with its own reader, in parallel key ranges when
 * {@link #split} is given: how database sources hand over large tables without pulling every row
 * through the connector.
 *
 * @param url the JDBC URL
 * @param properties connection properties (user, password ...); never printed
 * @param query a SELECT whose columns map to Iceberg types as they are
 * @param split how to divide the read, or empty to read in one range
 * @param fetchSize rows fetched per round trip
 * @param inProcess the same rows, read by the connector in this JVM through the database's own bulk
 *     protocol (PostgreSQL's binary COPY), with columns of the Iceberg types the engine's JDBC reader
 *     gives the query: an engine that writes the batch locally may read it this way instead, which
 *     skips the JDBC reader's row conversion. Empty when the connector offers no such reader.
 */
public record QueryInput(
    String url, Map<String, String> properties, String query, Optional<Split> split, int fetchSize,
    Optional<RowInput> inProcess)
    implements BatchInput {
  /** A query with no in-process reader. */
  public QueryInput(String url, Map<String, String> properties, String query, Optional<Split> split, int fetchSize) {
    this(url, properties, query, split, fetchSize, Optional.empty());
  }

  public QueryInput {
    requireNonNull(url, "url is null");
    properties = Map.copyOf(requireNonNull(properties, "properties is null"));
    requireNonNull(query, "query is null");
    requireNonNull(split, "split is null");
    requireNonNull(inProcess, "inProcess is null");
    if (fetchSize < 1) {
      throw new IllegalArgumentException("Invalid fetch size: must be at least 1, but was: " + fetchSize);
    }
  }

  /**
   * An integer column and its bounds, divided into {@code parts} ranges read at once.
   *
   * @param upper the largest value (inclusive)
   */
  public record Split(String column, long lower, long upper, int parts) {
    public Split {
      requireNonNull(column, "column is null");
      if (parts < 1 || upper < lower) {
        throw new IllegalArgumentException("Invalid split of " + column + ": " + parts + " parts of ["
            + lower + ", " + upper + "]");
      }
    }
  }

  // Connection properties hold passwords: keep them out of logs and error messages.
  @Override
  public String toString() {
    return "QueryInput[url=" + url + ", query=" + query + ", split=" + split + "]";
  }
}
