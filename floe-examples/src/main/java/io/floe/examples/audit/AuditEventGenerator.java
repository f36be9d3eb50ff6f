package io.floe.examples.audit;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.postgresql.PGConnection;

/**
 * Order events like seed 004's: an operational database records every insert, update and delete of
 * its {@code orders} in {@code audit_log_dml} (event id, operation I/U/D, time, schema, table, the
 * row as JSON). The first batch creates orders and changes some of them several times (and deletes
 * some); the second changes more of them and adds a payload key the first never had
 * ({@value #NEW_KEY}), as an application release that adds a column would.
 *
 * <p>Deterministic for a seed: the same seed writes the same events.
 */
public final class AuditEventGenerator {
  /** The payload key the second batch adds. */
  public static final String NEW_KEY = "delivery_notes";

  static final String[] STATUSES = {"pending", "paid", "shipped", "delivered", "cancelled"};
  static final String[] PAYMENT_METHODS = {"card", "paypal", "bank_transfer", "voucher"};
  static final String[] COUNTRIES = {"DE", "FR", "NL", "PL", "ES", "IT"};
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final LocalDateTime START = LocalDateTime.of(2026, 11, 2, 8, 0);

  private final Random random;
  private final List<Order> live = new ArrayList<>();
  private long nextOrderId = 1;
  private LocalDateTime clock = START;

  public AuditEventGenerator(long seed) {
    this.random = new Random(seed);
  }

  /** The audit table and its index, as the seed's database has them (the orders table itself is not needed). */
  public static void createTables(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS audit_log_dml (audit_event_id bigserial PRIMARY KEY,"
          + " audit_operation text NOT NULL, audit_timestamp timestamp NOT NULL, tbl_schema text NOT NULL,"
          + " tbl_name text NOT NULL, raw_data text)");
    }
  }

  /**
   * Writes {@code events} events in time order: new orders (about {@code insertShare} of the
   * events), deletes of live ones (about {@code deleteShare}) and updates of live ones (status,
   * amount, payment) for the rest. Seed 004's benchmark scale, 100,000 orders with 10 events each
   * and 20% of them deleted, is 1,000,000 events with shares 0.1 and 0.02.
   *
   * @param withNewKey whether updates carry {@value #NEW_KEY}
   * @return the number of events written
   */
  public long write(Connection connection, long events, double insertShare, double deleteShare, boolean withNewKey)
      throws SQLException {
    StringBuilder rows = new StringBuilder();
    long written = 0;
    for (long i = 0; i < events; i++) {
      clock = clock.plusSeconds(1 + random.nextInt(30));
      double roll = random.nextDouble();
      String operation;
      Order order;
      if (live.isEmpty() || roll < insertShare) {
        order = new Order(nextOrderId++, 1 + random.nextInt(5_000), clock);
        live.add(order);
        operation = "I";
      } else if (roll < insertShare + deleteShare) {
        order = live.remove(random.nextInt(live.size()));
        operation = "D";
      } else {
        order = live.get(random.nextInt(live.size()));
        order.change(random, clock, withNewKey);
        operation = "U";
      }
      rows.append(operation).append('\t').append(TIME.format(clock)).append("\tpublic\torders\t")
          .append(order.json()).append('\n');
      written++;
      if (rows.length() > 4_000_000) {
        copy(connection, rows);
        rows.setLength(0);
      }
    }
    copy(connection, rows);
    return written;
  }

  /** The ids of the orders that are not deleted. */
  public List<Long> liveOrderIds() {
    return live.stream().map(order -> order.id).sorted().toList();
  }

  private static void copy(Connection connection, StringBuilder rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try {
      connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY audit_log_dml (audit_operation,"
          + " audit_timestamp, tbl_schema, tbl_name, raw_data) FROM STDIN", new StringReader(rows.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An order as the application holds it; its JSON is the audit payload. */
  private static final class Order {
    final long id;
    final long customerId;
    final LocalDateTime placedAt;
    String status = "pending";
    String paymentMethod;
    String currency = "EUR";
    BigDecimal totalAmount;
    int itemsCount;
    String shippingCountry;
    LocalDateTime updatedAt;
    String deliveryNotes;

    Order(long id, long customerId, LocalDateTime placedAt) {
      this.id = id;
      this.customerId = customerId;
      this.placedAt = placedAt;
      this.updatedAt = placedAt;
      this.paymentMethod = PAYMENT_METHODS[(int) (id % PAYMENT_METHODS.length)];
      this.itemsCount = 1 + (int) (id % 7);
      this.totalAmount = BigDecimal.valueOf(1_000 + id * 37 % 50_000, 2);
      this.shippingCountry = COUNTRIES[(int) (id % COUNTRIES.length)];
    }

    void change(Random random, LocalDateTime now, boolean withNewKey) {
      // pending -> paid -> shipped -> delivered, one in twenty cancelled on the way; then it stays.
      int index = java.util.Arrays.asList(STATUSES).indexOf(status);
      if (index < 3) {
        status = random.nextInt(20) == 0 ? "cancelled" : STATUSES[index + 1];
      }
      if (random.nextInt(3) == 0) {
        itemsCount++;
        totalAmount = totalAmount.add(BigDecimal.valueOf(500 + random.nextInt(5_000), 2))
            .setScale(2, RoundingMode.HALF_UP);
      }
      if (random.nextInt(4) == 0) {
        paymentMethod = PAYMENT_METHODS[random.nextInt(PAYMENT_METHODS.length)];
      }
      if (withNewKey) {
        deliveryNotes = "leave at door " + (1 + random.nextInt(9));
      }
      updatedAt = now;
    }

    String json() {
      return "{\"order_id\": " + id + ", \"customer_id\": " + customerId + ", \"order_timestamp\": \""
          + TIME.format(placedAt) + "\", \"order_status\": \"" + status + "\", \"payment_method\": \""
          + paymentMethod + "\", \"currency\": \"" + currency + "\", \"total_amount\": " + totalAmount.toPlainString()
          + ", \"items_count\": " + itemsCount + ", \"shipping_country\": \"" + shippingCountry
          + "\", \"updated_at\": \"" + TIME.format(updatedAt) + "\""
          + (deliveryNotes == null ? "" : ", \"" + NEW_KEY + "\": \"" + deliveryNotes + "\"") + "}";
    }
  }
}
