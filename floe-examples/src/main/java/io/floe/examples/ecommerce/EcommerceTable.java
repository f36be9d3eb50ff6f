package io.floe.examples.ecommerce;

import io.floe.examples.csv.CsvOutput;

/** One of the four CSV sources of the e-commerce example: its file name, header and rows. */
interface EcommerceTable {
  /** The file's base name, e.g. {@code customer_events}. */
  String name();

  /** The header line, the columns the example's bronze models read. */
  String header();

  /** Its share of the 3.8M rows of the example: 2M, 1M, 500k, 300k. */
  long rowsAtFullScale();

  /**
   * Writes one row.
   *
   * @param id the row's number, which makes its key (a duplicate row repeats the one before)
   * @param nullInCheckedColumn write NULL into a column the example's not_null tests check
   */
  void writeRow(CsvOutput out, long id, RowContext context, boolean nullInCheckedColumn);
}
