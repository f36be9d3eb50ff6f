package io.floe.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints a {@link Tabular} as an aligned text table, a JSON array of objects, or CSV. */
public final class TabularPrinter {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final CsvMapper CSV = new CsvMapper();
  private static final int MAX_CELL_WIDTH = 60;

  private TabularPrinter() {}

  public static void print(PrintWriter out, OutputFormat format, Tabular tabular) {
    switch (format) {
      case TABLE -> printTable(out, tabular);
      case JSON -> printJson(out, asObjects(tabular));
      case CSV -> printCsv(out, tabular);
    }
    out.flush();
  }

  /** Prints any value (a record, a map, a list) as indented JSON. */
  public static void printJson(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON output: " + e.getOriginalMessage(), e);
    }
    out.flush();
  }

  private static List<Map<String, Object>> asObjects(Tabular tabular) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (List<Object> row : tabular.rows()) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (int i = 0; i < tabular.columns().size(); i++) {
        object.put(tabular.columns().get(i), row.get(i));
      }
      objects.add(object);
    }
    return objects;
  }

  private static void printCsv(PrintWriter out, Tabular tabular) {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    tabular.columns().forEach(schema::addColumn);
    List<List<String>> rows = new ArrayList<>();
    for (List<Object> row : tabular.rows()) {
      rows.add(row.stream().map(value -> value == null ? "" : text(value)).toList());
    }
    try {
      out.print(CSV.writer(schema.build()).writeValueAsString(rows));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write CSV output: " + e.getOriginalMessage(), e);
    }
  }

  private static void printTable(PrintWriter out, Tabular tabular) {
    int columns = tabular.columns().size();
    int[] widths = new int[columns];
    List<String[]> cells = new ArrayList<>();
    for (List<Object> row : tabular.rows()) {
      String[] line = new String[columns];
      for (int i = 0; i < columns; i++) {
        line[i] = cell(row.get(i));
        widths[i] = Math.max(widths[i], line[i].length());
      }
      cells.add(line);
    }
    for (int i = 0; i < columns; i++) {
      widths[i] = Math.max(widths[i], tabular.columns().get(i).length());
    }
    String rule = rule(widths);
    out.println(rule);
    out.println(line(tabular.columns().toArray(String[]::new), widths));
    out.println(rule);
    cells.forEach(line -> out.println(line(line, widths)));
    out.println(rule);
    out.println(tabular.rows().size() + (tabular.rows().size() == 1 ? " row" : " rows"));
  }

  private static String cell(Object value) {
    if (value == null) {
      return "NULL";
    }
    String text = text(value).replace('\n', ' ');
    return text.length() > MAX_CELL_WIDTH ? text.substring(0, MAX_CELL_WIDTH - 1) + "…" : text;
  }

  private static String text(Object value) {
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      try {
        return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot format value: " + e.getOriginalMessage(), e);
      }
    }
    return String.valueOf(value);
  }

  private static String rule(int[] widths) {
    StringBuilder rule = new StringBuilder("+");
    for (int width : widths) {
      rule.append("-".repeat(width + 2)).append('+');
    }
    return rule.toString();
  }

  private static String line(String[] values, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      line.append(' ').append(values[i]).append(" ".repeat(widths[i] - values[i].length()));
      line.append(" |");
    }
    return line.toString();
  }
}
