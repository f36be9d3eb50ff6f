package io.floe.ingest.spi;

import java.util.List;
import java.util.Map;

/**
 * Reads rows of the project's own tables, for a source whose requests depend on data already
 * loaded (an API called once per plant, with the plants from a table). The engine runs the query;
 * the connector sees plain Java values only.
 */
@FunctionalInterface
public interface WarehouseQuery {
  /** Where no warehouse is at hand (a connector's unit test): every query fails, saying so. */
  WarehouseQuery NONE = sql -> {
    throw new UnsupportedOperationException("No warehouse to run this query on: " + sql);
  };

  /**
   * The rows of a SQL query over the project's tables, each a map of column name to value, in the
   * query's order.
   *
   * @throws io.floe.core.error.FloeException a user error naming the query when it fails
   */
  List<Map<String, Object>> rows(String sql);
}
