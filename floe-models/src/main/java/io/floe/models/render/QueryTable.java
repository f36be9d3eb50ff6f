package io.floe.models.render;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code run_query()} returns, shaped as dbt's agate table: {@code .rows} (each row indexed by
 * position or by column name), {@code .columns} (each with {@code .name} and {@code .values()}) and
 * {@code .column_names}; iterating it gives its rows. Public because Jinjava reads it by reflection.
 */
public final class QueryTable implements Iterable<QueryTable.Row> {
  private final List<String> names;
  private final List<Row> rows;
  private final List<Column> columns;

  QueryTable(ModelRenderer.Table table) {
    this.names = List.copyOf(table.columns());
    List<Row> rowList = new ArrayList<>();
    for (List<Object> values : table.rows()) {
      rowList.add(new Row(names, values));
    }
    this.rows = Collections.unmodifiableList(rowList);
    List<Column> columnList = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      List<Object> values = new ArrayList<>();
      for (List<Object> row : table.rows()) {
        values.add(row.get(i));
      }
      columnList.add(new Column(names.get(i), i < table.types().size() ? table.types().get(i) : "",
          Collections.unmodifiableList(values)));
    }
    this.columns = Collections.unmodifiableList(columnList);
  }

  public List<Row> getRows() {
    return rows;
  }

  public List<Column> getColumns() {
    return columns;
  }

  public List<String> getColumnNames() {
    return names;
  }

  @Override
  public Iterator<Row> iterator() {
    return rows.iterator();
  }

  @Override
  public String toString() {
    return "<table of " + rows.size() + " rows: " + String.join(", ", names) + ">";
  }

  /** A column of the result: {@code .name}, {@code .data_type} and {@code .values()}. */
  public static final class Column {
    private final String name;
    private final String type;
    private final List<Object> values;

    Column(String name, String type, List<Object> values) {
      this.name = name;
      this.type = type;
      this.values = values;
    }

    public String getName() {
      return name;
    }

    public String getDataType() {
      return type;
    }

    public List<Object> values() {
      return values;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A row: {@code row[0]}, {@code row['name']} and {@code row.name} all read it. */
  public static final class Row extends AbstractMap<Object, Object> {
    private final Map<Object, Object> byName = new LinkedHashMap<>();
    private final List<Object> values;

    Row(List<String> names, List<Object> values) {
      this.values = values;
      for (int i = 0; i < names.size(); i++) {
        byName.put(names.get(i), values.get(i));
      }
    }

    @Override
    public Object get(Object key) {
      if (byName.containsKey(key)) {
        return byName.get(key);
      }
      Integer index = index(key);
      return index == null ? null : values.get(index < 0 ? values.size() + index : index);
    }

    @Override
    public boolean containsKey(Object key) {
      Integer index = index(key);
      return byName.containsKey(key) || index != null && Math.abs(index) < values.size();
    }

    // Jinjava hands row[0]'s key as a number or as its text.
    private static Integer index(Object key) {
      if (key instanceof Number number) {
        return number.intValue();
      }
      String text = String.valueOf(key);
      return text.matches("-?\\d{1,9}") ? Integer.valueOf(text) : null;
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
      return Collections.unmodifiableSet(new LinkedHashSet<>(byName.entrySet()));
    }

    /** The row's values in column order, as dbt's {@code row.values()}. */
    @Override
    public List<Object> values() {
      return values;
    }

    @Override
    public String toString() {
      return values.toString();
    }
  }
}
