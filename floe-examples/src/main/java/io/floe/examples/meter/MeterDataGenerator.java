package io.floe.examples.meter;

import io.floe.examples.csv.CsvOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Creates the meter example's source schema ({@code meter_data}: customers, customer_accounts,
 * assets, readings) in PostgreSQL and fills it at a given scale with {@code COPY ... FROM STDIN},
 * streamed through the driver's copy API. The same readings and seed always give the same rows.
 *
 * <p>Scale follows the readings: one asset (meter) per 1,000 readings (at least 5), one customer
 * with one account per two assets. Readings are 15-minute intervals from 2024-01-01 (UTC), created
 * up to ten minutes after their interval ends.
 */
public final class MeterDataGenerator {
  /** The schema's DDL on the class path. */
  public static final String SCHEMA_RESOURCE = "/io/floe/examples/meter/schema.sql";

  private static final long START = 1_704_067_200L;
  private static final int INTERVAL_SECONDS = 900;
  private static final String[] CUSTOMER_TYPES = {"RESIDENTIAL", "COMMERCIAL", "INDUSTRIAL"};
  private static final String[] CITIES = {"Berlin", "Hamburg", "Munich", "Cologne", "Frankfurt", "Leipzig"};
  private static final String[] ASSET_TYPES = {"ELECTRIC", "GAS", "WATER"};
  private static final String[] UNITS = {"kWh", "m3", "L"};
  private static final String[] MANUFACTURERS = {"Siemens", "Honeywell", "Landis+Gyr", "Itron", "Kamstrup"};

  private MeterDataGenerator() {}

  /** The schema's DDL, as in {@link #SCHEMA_RESOURCE}. */
  public static String schemaSql() {
    try (InputStream in = MeterDataGenerator.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Cannot find " + SCHEMA_RESOURCE + " on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + SCHEMA_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates the schema and its four tables, then loads them.
   *
   * @throws SQLException if the schema exists already or a COPY fails
   */
  public static MeterCounts generate(Connection connection, long readings, long seed) throws SQLException {
    long assets = Math.max(5, readings / 1_000);
    return generate(connection, readings, assets, Math.max(5, assets / 2), seed);
  }

  /**
   * As {@link #generate(Connection, long, long)}, with the number of assets and of customers (each
   * with one account) given: the vault benchmark's 100,000 of each.
   */
  public static MeterCounts generate(Connection connection, long readings, long assets, long customers, long seed)
      throws SQLException {
    if (readings < 1 || assets < 1 || customers < 1) {
      throw new IllegalArgumentException("Cannot generate " + readings + " readings of " + assets + " assets for "
          + customers + " customers: give at least 1 of each");
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(schemaSql());
    }
    SplittableRandom random = new SplittableRandom(seed);
    copy(connection, "customers (installation_id, customer_name, customer_type, address, city, postal_code, "
        + "country, registration_date, last_modified, status)", out -> {
          for (long c = 1; c <= customers; c++) {
            long registered = START - 86_400L * (30 + random.nextInt(2_000));
            out.id("INST", c, 8).id("Customer ", c, 1).text(CUSTOMER_TYPES[random.nextInt(3)])
                .id("Main Street ", 1 + random.nextInt(500), 1).text(CITIES[random.nextInt(CITIES.length)])
                .number(10_000 + random.nextInt(90_000)).text("DE").timestamp(registered)
                .timestamp(registered + random.nextInt(86_400)).text(random.nextInt(20) == 0 ? "INACTIVE" : "ACTIVE")
                .endRow();
          }
        });
    copy(connection, "customer_accounts (account_id, installation_id, account_number, account_type, "
        + "billing_cycle, account_opened_date, account_closed_date, last_modified, status)", out -> {
          for (long a = 1; a <= customers; a++) {
            boolean closed = random.nextInt(20) == 0;
            long opened = START - 86_400L * (1 + random.nextInt(1_000));
            out.id("ACC", a, 8).id("INST", a, 8).id("AN-", a, 10).text(random.nextBoolean() ? "PREPAID" : "POSTPAID")
                .text(random.nextInt(4) == 0 ? "QUARTERLY" : "MONTHLY").timestamp(opened);
            if (closed) {
              out.timestamp(opened + 86_400L * 365);
            } else {
              out.empty();
            }
            out.timestamp(opened + 3_600).text(closed ? "CLOSED" : "ACTIVE").endRow();
          }
        });
    copy(connection, "assets (asset_id, account_id, asset_serial_number, asset_type, manufacturer, model, "
        + "installation_date, last_calibration_date, next_calibration_date, last_modified, status)", out -> {
          for (long m = 1; m <= assets; m++) {
            long installed = START - 86_400L * (1 + random.nextInt(1_500));
            long calibrated = START - 86_400L * random.nextInt(365);
            out.id("METER", m, 8).id("ACC", 1 + (m - 1) % customers, 8).id("SN-", random.nextInt(1 << 30), 10)
                .text(ASSET_TYPES[(int) (m % 3)]).text(MANUFACTURERS[random.nextInt(MANUFACTURERS.length)])
                .id("M-", 100 + random.nextInt(900), 1).timestamp(installed).timestamp(calibrated)
                .timestamp(calibrated + 86_400L * 730).timestamp(calibrated).text("ACTIVE").endRow();
          }
        });
    copy(connection, "readings (asset_id, reading_value, interval_start, interval_end, creation_time, "
        + "reading_type, unit_of_measure, quality_code, status, source_system)", out -> {
          for (long r = 0; r < readings; r++) {
            long asset = 1 + r % assets;
            long intervalStart = START + (r / assets) * INTERVAL_SECONDS;
            out.id("METER", asset, 8).decimal(random.nextInt(5_000_000), 3).timestamp(intervalStart)
                .timestamp(intervalStart + INTERVAL_SECONDS)
                .timestamp(intervalStart + INTERVAL_SECONDS + 1 + random.nextInt(600))
                .text(random.nextInt(10) == 0 ? "DEMAND" : "CONSUMPTION").text(UNITS[(int) (asset % 3)])
                .text(random.nextInt(33) == 0 ? "SUSPECT" : "GOOD").text(random.nextInt(20) == 0 ? "ESTIMATED" : "VALID")
                .text("HES").endRow();
          }
        });
    try (Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE meter_data.readings");
    }
    return new MeterCounts(customers, customers, assets, readings);
  }

  private static void copy(Connection connection, String tableAndColumns, Consumer<CsvOutput> rows)
      throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    PGCopyOutputStream stream = new PGCopyOutputStream(pg, "COPY meter_data." + tableAndColumns
        + " FROM STDIN (FORMAT csv)", 1 << 16);
    try (CsvOutput out = new CsvOutput(stream)) {
      rows.accept(out);
    } catch (UncheckedIOException e) {
      throw new SQLException("Cannot copy rows into meter_data." + tableAndColumns.substring(0,
          tableAndColumns.indexOf(' ')) + ": " + e.getMessage(), e);
    }
  }

  /** {@code MeterDataGenerator JDBC_URL USER PASSWORD [READINGS] [SEED]}: creates and fills meter_data. */
  public static void main(String[] args) throws SQLException {
    if (args.length < 3) {
      System.err.println("usage: MeterDataGenerator JDBC_URL USER PASSWORD [READINGS] [SEED]");
      System.exit(1);
    }
    long readings = args.length > 3 ? Long.parseLong(args[3].replace("_", "")) : 100_000;
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
    long start = System.nanoTime();
    try (Connection connection = DriverManager.getConnection(args[0], args[1], args[2])) {
      MeterCounts counts = generate(connection, readings, seed);
      System.out.printf("meter_data: %,d customers, %,d accounts, %,d assets, %,d readings in %.1f s%n",
          counts.customers(), counts.accounts(), counts.assets(), counts.readings(),
          (System.nanoTime() - start) / 1e9);
    }
  }
}
