package io.floe.examples.ecommerce;

import io.floe.examples.csv.CsvOutput;

/** inventory_snapshots.csv: stock of a product in a warehouse on a day; available = on hand - reserved. */
final class InventorySnapshots implements EcommerceTable {
  @Override
  public String name() {
    return "inventory_snapshots";
  }

  @Override
  public String header() {
    return "snapshot_id,product_id,warehouse_id,snapshot_date,quantity_on_hand,quantity_reserved,"
        + "quantity_available,reorder_point,reorder_quantity,supplier_id,last_received_date,unit_cost";
  }

  @Override
  public long rowsAtFullScale() {
    return 500_000;
  }

  @Override
  public void writeRow(CsvOutput out, long id, RowContext context, boolean nullInCheckedColumn) {
    long day = context.dayInPeriod();
    int onHand = context.random().nextInt(5_001);
    int reserved = context.random().nextInt(Math.min(onHand, 500) + 1);
    out.id("SNAP", id, 9)
        .id("PROD", 1 + context.random().nextLong(context.products()), 5)
        .id("WH", 1 + context.random().nextInt(20), 3)
        .date(day);
    if (nullInCheckedColumn) {
      out.empty();
    } else {
      out.number(onHand);
    }
    out.number(reserved)
        .number(onHand - reserved)
        .number(50 + context.random().nextInt(451))
        .number(100 + context.random().nextInt(901))
        .id("SUP", 1 + context.random().nextInt(200), 4)
        .date(day - context.random().nextInt(61))
        .cents(500 + context.random().nextInt(49_501))
        .endRow();
  }
}
