package io.floe.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a column's value is, seen from a record: {@code [0]} or {@code a.b} in the record itself,
 * {@code ^.code} in the element one {@code []} up (the result a data point belongs to),
 * {@code ^^.metric} two up, or {@code $.latitude} in the whole response.
 */
final class FieldPath {
  private final boolean fromRoot;
  private final int levelsUp;
  private final JsonPath path;

  private FieldPath(boolean fromRoot, int levelsUp, JsonPath path) {
    this.fromRoot = fromRoot;
    this.levelsUp = levelsUp;
    this.path = path;
  }

  /** @throws IllegalArgumentException for a path with {@code []} (a column has one value) or bad syntax */
  static FieldPath parse(String text) {
    String rest = text.strip();
    boolean root = rest.startsWith("$");
    int up = 0;
    while (!root && rest.startsWith("^")) {
      up++;
      rest = rest.substring(1);
    }
    JsonPath path = JsonPath.parse(rest);
    if (path.iterates()) {
      throw new IllegalArgumentException("'" + text + "' takes every element ([]), but a column has one value;"
          + " use [N] for one element");
    }
    return new FieldPath(root, up, path);
  }

  /** The value for a record reached through {@code enclosing} in {@code root}, or null. */
  JsonNode valueOf(JsonNode record, java.util.List<JsonNode> enclosing, JsonNode root) {
    JsonNode base;
    if (fromRoot) {
      base = root;
    } else if (levelsUp == 0) {
      base = record;
    } else {
      // enclosing ends with the record's own element (or the zipped object); ^ is the one before it.
      int index = enclosing.size() - 1 - levelsUp;
      base = index >= 0 ? enclosing.get(index) : index == -1 ? root : null;
    }
    return base == null ? null : path.get(base);
  }
}
