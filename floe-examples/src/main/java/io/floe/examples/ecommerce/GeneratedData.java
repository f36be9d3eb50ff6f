package io.floe.examples.ecommerce;

import java.util.List;

/** The files of one call of {@link EcommerceDataGenerator}, in the order of {@link EcommerceDataGenerator#TABLES}. */
public record GeneratedData(List<GeneratedFile> files) {
  public GeneratedData {
    files = List.copyOf(files);
  }

  public long totalRows() {
    return files.stream().mapToLong(GeneratedFile::rows).sum();
  }

  public long totalBytes() {
    return files.stream().mapToLong(GeneratedFile::bytes).sum();
  }

  /**
   * The file of a table.
   *
   * @throws IllegalArgumentException if no file belongs to it
   */
  public GeneratedFile file(String table) {
    return files.stream().filter(file -> file.table().equals(table)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Cannot find the file of table '" + table + "': tables are "
            + files.stream().map(GeneratedFile::table).toList()));
  }

  /** The largest file by rows. */
  public GeneratedFile largest() {
    return files.stream().max((a, b) -> Long.compare(a.rows(), b.rows())).orElseThrow();
  }
}
