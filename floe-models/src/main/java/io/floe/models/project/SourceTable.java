package io.floe.models.project;

import static java.util.Objects.requireNonNull;

import io.floe.models.test.DataTestDefinition;
import java.util.List;
import java.util.Optional;

/**
 * A table of a dbt {@code sources:} entry with what is checked on it: the data tests of the table
 * and of its columns, and its freshness.
 *
 * @param source the source's name ({@code shop} of {@code source('shop', 'orders')})
 * @param table the table's name in {@code source()}
 * @param relation the table it reads, {@code schema.identifier}
 * @param tests the data tests of the table and of its columns
 * @param freshness dbt's source freshness, when the table (or its source) declares it
 * @param where the file and line of the table's entry
 */
public record SourceTable(String source, String table, String relation, List<DataTestDefinition> tests,
    Optional<Freshness> freshness, String where) {
  /**
   * dbt's source freshness: the newest {@code loaded_at_field} must be younger than
   * {@code error_after} (else the check fails) and {@code warn_after} (else it warns).
   *
   * @param filter dbt's {@code filter}: only the rows meeting it count
   */
  public record Freshness(String loadedAtField, Optional<Age> warnAfter, Optional<Age> errorAfter,
      Optional<String> filter) {
    public Freshness {
      requireNonNull(loadedAtField, "loadedAtField is null");
      requireNonNull(warnAfter, "warnAfter is null");
      requireNonNull(errorAfter, "errorAfter is null");
      requireNonNull(filter, "filter is null");
    }
  }

  /** {@code {count: 12, period: hour}}; period is minute, hour or day. */
  public record Age(long count, String period) {
    public Age {
      requireNonNull(period, "period is null");
    }

    /** As a Spark interval: {@code INTERVAL 12 HOUR}. */
    public String interval() {
      return "INTERVAL " + count + " " + period.toUpperCase(java.util.Locale.ROOT);
    }
  }

  public SourceTable {
    requireNonNull(source, "source is null");
    requireNonNull(table, "table is null");
    requireNonNull(relation, "relation is null");
    tests = List.copyOf(requireNonNull(tests, "tests is null"));
    requireNonNull(freshness, "freshness is null");
    requireNonNull(where, "where is null");
  }

  /** {@code shop.orders}: the name the graph and {@code source()} use. */
  public String key() {
    return source + "." + table;
  }

}
