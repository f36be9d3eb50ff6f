package io.floe.examples.ecommerce;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * One CSV file written by {@link EcommerceDataGenerator}.
 *
 * @param table the source it belongs to, e.g. {@code customer_events}
 * @param rows data rows, the header not counted
 */
public record GeneratedFile(String table, Path path, long rows, long bytes) {
  public GeneratedFile {
    requireNonNull(table, "table is null");
    requireNonNull(path, "path is null");
  }
}
