package io.floe.ingest.bronze;

import io.floe.ingest.spi.FileFormat;
import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line into fields with the source's delimiter, quote and escape (for headers). */
final class CsvLine {
  private CsvLine() {}

  static List<String> split(String line, FileFormat.Csv csv) {
    char delimiter = csv.delimiter().charAt(0);
    char quote = csv.quote().charAt(0);
    char escape = csv.escape().charAt(0);
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == escape && i + 1 < line.length() && line.charAt(i + 1) == quote) {
        field.append(quote);
        i++;
      } else if (c == quote) {
        quoted = !quoted;
      } else if (c == delimiter && !quoted) {
        fields.add(field.toString().strip());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString().strip());
    return fields;
  }
}
