package io.floe.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.WarehouseQuery;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a source calls the API for, one request series each: the rows of {@code items.query}, the
 * entries of {@code items.list}, or a single series when neither is set. Items are sorted by key,
 * so a run resumed after a crash finds the item it stopped at even if the list grew meanwhile.
 */
final class HttpItems {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One item: its key (stable, for the position) and its values ({@code {{ item.NAME }}}). */
  record Item(String key, Map<String, Object> values) {}

  private final String query;
  private final Map<String, Map<String, Object>> list;

  private HttpItems(String query, Map<String, Map<String, Object>> list) {
    this.query = query;
    this.list = list;
  }

  static HttpItems none() {
    return new HttpItems(null, null);
  }

  static HttpItems query(String sql) {
    return new HttpItems(sql, null);
  }

  static HttpItems list(Map<String, Map<String, Object>> entries) {
    return new HttpItems(null, entries);
  }

  boolean any() {
    return query != null || list != null;
  }

  /** This run's items, sorted by key. */
  List<Item> load(WarehouseQuery warehouse, String source) {
    List<Item> items = new ArrayList<>();
    if (list != null) {
      list.forEach((key, values) -> {
        Map<String, Object> all = new LinkedHashMap<>(values);
        all.putIfAbsent("key", key);
        items.add(new Item(key, all));
      });
    } else if (query != null) {
      List<Map<String, Object>> rows;
      try {
        rows = warehouse.rows(query);
      } catch (FloeException e) {
        throw FloeException.user(e, "Source '%s': items.query failed: %s. Load the table it reads first (list"
            + " its source before this one in floe.yaml).", source, e.getMessage());
      }
      for (Map<String, Object> row : rows) {
        items.add(new Item(key(row), row));
      }
    } else {
      return List.of(new Item("", Map.of()));
    }
    items.sort(Comparator.comparing(Item::key));
    return items;
  }

  private static String key(Map<String, Object> row) {
    Map<String, String> text = new TreeMap<>();
    row.forEach((name, value) -> text.put(name, value == null ? null : value.toString()));
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write item key " + text, e);
    }
  }

  /** The index of the item with {@code key}, or of the first after it when it is gone; 0 for null. */
  static int indexOf(List<Item> items, String key) {
    if (key == null) {
      return 0;
    }
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).key().compareTo(key) >= 0) {
        return i;
      }
    }
    return items.size();
  }
}
