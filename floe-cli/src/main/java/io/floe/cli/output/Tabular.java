package io.floe.cli.output;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Rows under named columns: what every listing command prints, in any {@link OutputFormat}. */
public record Tabular(List<String> columns, List<List<Object>> rows) {
  public Tabular {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    List<List<Object>> copied = new ArrayList<>();
    for (List<Object> row : requireNonNull(rows, "rows is null")) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "Invalid row: expected " + columns.size() + " values, but was: " + row.size());
      }
      // Values may be null (SQL NULL), which List.copyOf rejects.
      copied.add(Collections.unmodifiableList(new ArrayList<>(row)));
    }
    rows = Collections.unmodifiableList(copied);
  }

  /** A builder-free way to make a row from values that may be null. */
  public static List<Object> row(Object... values) {
    return java.util.Arrays.asList(values);
  }
}
