package io.floe.examples.ecommerce;

import io.floe.examples.csv.CsvOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes the four CSV sources of the e-commerce lakehouse example (customer_events,
 * payment_transactions, inventory_snapshots, support_tickets) at any scale, with every column its
 * bronze, silver and gold models read. The same rows, seed and batch always give the same bytes.
 *
 * <p>The total is split in the example's proportions (2M : 1M : 500k : 300k of 3.8M). A small share
 * of rows is dirty on purpose, for the example's tests to find: {@link #DUPLICATE_KEY_FRACTION} of
 * rows repeat the key of the row before, and {@link #NULL_FRACTION} have NULL in a column the tests
 * require: customer_id of events and tickets, amount of payments, quantity_on_hand of inventory.
 * Timestamps fall in 2024 (UTC); increments fall in the weeks after it and add new keys.
 */
public final class EcommerceDataGenerator {
  /** The tables, largest first: the order of every result. */
  public static final List<String> TABLES =
      List.of("customer_events", "payment_transactions", "inventory_snapshots", "support_tickets");
  public static final long FULL_SCALE_ROWS = 3_800_000;
  public static final long DEFAULT_ROWS = 10_000;
  public static final double DUPLICATE_KEY_FRACTION = 0.001;
  public static final double NULL_FRACTION = 0.001;

  private static final List<EcommerceTable> ALL =
      List.of(new CustomerEvents(), new PaymentTransactions(), new InventorySnapshots(), new SupportTickets());
  private static final long YEAR_2024_START = 1_704_067_200L;
  private static final int YEAR_2024_DAYS = 366;
  private static final int INCREMENT_DAYS = 7;

  private EcommerceDataGenerator() {}

  /** Rows per table for a total, in the example's proportions; they add up to the total exactly. */
  public static Map<String, Long> rowsPerTable(long totalRows) {
    if (totalRows < ALL.size()) {
      throw new IllegalArgumentException("Cannot split " + totalRows + " rows over " + ALL.size()
          + " tables: give at least " + ALL.size());
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    long left = totalRows;
    for (int i = 0; i < ALL.size(); i++) {
      EcommerceTable table = ALL.get(i);
      long share = i == ALL.size() - 1 ? left : Math.max(1, totalRows * table.rowsAtFullScale() / FULL_SCALE_ROWS);
      rows.put(table.name(), share);
      left -= share;
    }
    return rows;
  }

  /**
   * Writes {@code <table>.csv} for the four tables into {@code dir} (created if missing).
   *
   * @throws UncheckedIOException if a file cannot be written
   */
  public static GeneratedData generate(Path dir, long totalRows, long seed) {
    Map<String, Long> rows = rowsPerTable(totalRows);
    Pools pools = Pools.of(rows);
    List<GeneratedFile> files = new ArrayList<>();
    for (int i = 0; i < ALL.size(); i++) {
      EcommerceTable table = ALL.get(i);
      RowContext context = pools.context(new SplittableRandom(RowContext.mix(seed * 31 + i)), 1, pools.sessions,
          YEAR_2024_START, YEAR_2024_DAYS);
      files.add(write(dir.resolve(table.name() + ".csv"), table, 1, rows.get(table.name()), context));
    }
    return new GeneratedData(files);
  }

  /**
   * Writes a batch of new rows, {@code fraction} of a {@link #generate} of {@code baseTotalRows}, into
   * {@code <table>_increment_<batch>.csv}: keys continue after the base's (and earlier batches'),
   * timestamps fall in the batch's week after 2024, customers and products are the base's.
   *
   * @param batch 1 for the first increment, 2 for the next...
   */
  public static GeneratedData generateIncrement(Path dir, long baseTotalRows, double fraction, int batch,
      long seed) {
    if (fraction <= 0 || fraction > 1 || batch < 1) {
      throw new IllegalArgumentException("Cannot generate increment " + batch + " of fraction " + fraction
          + ": the fraction must be in (0, 1] and the batch at least 1");
    }
    Map<String, Long> base = rowsPerTable(baseTotalRows);
    Pools pools = Pools.of(base);
    List<GeneratedFile> files = new ArrayList<>();
    for (int i = 0; i < ALL.size(); i++) {
      EcommerceTable table = ALL.get(i);
      long rows = Math.max(1, Math.round(base.get(table.name()) * fraction));
      long sessions = Math.max(1, rows / 4);
      long firstId = base.get(table.name()) + (batch - 1) * rows + 1;
      RowContext context = pools.context(new SplittableRandom(RowContext.mix(seed * 31 + i + 1_000L * batch)),
          pools.sessions + 1 + (batch - 1) * sessions, sessions,
          YEAR_2024_START + (YEAR_2024_DAYS + (batch - 1L) * INCREMENT_DAYS) * RowContext.SECONDS_PER_DAY,
          INCREMENT_DAYS);
      files.add(write(dir.resolve(table.name() + "_increment_" + batch + ".csv"), table, firstId, rows, context));
    }
    return new GeneratedData(files);
  }

  private static GeneratedFile write(Path file, EcommerceTable table, long firstId, long rows,
      RowContext context) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
          CsvOutput out = new CsvOutput(stream)) {
        out.header(table.header());
        long id = firstId;
        for (long row = 0; row < rows; row++) {
          double dirt = context.random().nextDouble();
          boolean repeatKey = dirt < DUPLICATE_KEY_FRACTION && row > 0;
          boolean nullValue = !repeatKey && dirt < DUPLICATE_KEY_FRACTION + NULL_FRACTION;
          table.writeRow(out, repeatKey ? id - 1 : id++, context, nullValue);
        }
      }
      return new GeneratedFile(table.name(), file, rows, Files.size(file));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Sizes of the id pools the tables share, from the base's rows per table. */
  private record Pools(long customers, long sessions, long products, long orders) {
    static Pools of(Map<String, Long> rows) {
      long events = rows.get("customer_events");
      return new Pools(Math.max(10, events / 20), Math.max(1, events / 4),
          Math.min(10_000, Math.max(50, events / 200)), Math.max(1, rows.get("payment_transactions")));
    }

    RowContext context(SplittableRandom random, long firstSession, long sessionCount, long periodStart, int days) {
      return new RowContext(random, customers, firstSession, sessionCount, products, orders, periodStart, days);
    }
  }

  /**
   * {@code EcommerceDataGenerator [--dir DIR] [--rows N] [--seed S] [--append-fraction F [--batch B]]}: writes the
   * files (or, with --append-fraction, an increment of a base of --rows) and prints each file's rows.
   */
  public static void main(String[] args) {
    Path dir = Path.of("ecommerce-data");
    long rows = DEFAULT_ROWS;
    long seed = 42;
    double fraction = 0;
    int batch = 1;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--dir" -> dir = Path.of(required(args[i], value));
        case "--rows" -> rows = Long.parseLong(required(args[i], value).replace("_", ""));
        case "--seed" -> seed = Long.parseLong(required(args[i], value));
        case "--append-fraction" -> fraction = Double.parseDouble(required(args[i], value));
        case "--batch" -> batch = Integer.parseInt(required(args[i], value));
        default -> throw new IllegalArgumentException("Cannot parse argument '" + args[i]
            + "': expected --dir, --rows, --seed, --append-fraction or --batch");
      }
      i++;
    }
    long start = System.nanoTime();
    GeneratedData data = fraction > 0 ? generateIncrement(dir, rows, fraction, batch, seed) : generate(dir, rows, seed);
    for (GeneratedFile file : data.files()) {
      System.out.printf("%-60s %,12d rows %,14d bytes%n", file.path(), file.rows(), file.bytes());
    }
    System.out.printf("%,d rows in %.1f s%n", data.totalRows(), (System.nanoTime() - start) / 1e9);
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException("Cannot parse " + option + ": it needs a value");
    }
    return value;
  }
}
