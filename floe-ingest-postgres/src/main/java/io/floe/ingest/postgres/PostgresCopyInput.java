package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.SourceColumn;
import java.io.EOFException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * A load's query read in this JVM with {@code COPY (query) TO STDOUT (FORMAT binary)}: PostgreSQL
 * sends each value in its binary form, which costs the server less than text and decodes here
 * without parsing. This is the protocol's documented file format; the driver streams the bytes and
 * no library decodes them, so the decoding below is our own.
 */
final class PostgresCopyInput implements RowInput {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

  /** 2000-01-01, PostgreSQL's epoch for dates and timestamps, in days and microseconds from 1970. */
  private static final int EPOCH_DAYS = 10_957;

  private static final long EPOCH_MICROS = EPOCH_DAYS * 86_400L * 1_000_000L;

  private static final long[] POWERS_OF_TEN = java.util.stream.LongStream.iterate(1, p -> p * 10).limit(19).toArray();

  private final String source;
  private final PostgresConnection connection;
  private final String query;
  private final List<CopyColumn> columns;

  PostgresCopyInput(String source, PostgresConnection connection, String query, List<CopyColumn> columns) {
    this.source = requireNonNull(source, "source is null");
    this.connection = requireNonNull(connection, "connection is null");
    this.query = requireNonNull(query, "query is null");
    this.columns = List.copyOf(columns);
  }

  @Override
  public List<SourceColumn> columns() {
    return columns.stream().map(CopyColumn::column).toList();
  }

  @Override
  public RowStream open() {
    Connection db = connection.open();
    try {
      PGCopyInputStream copy = new PGCopyInputStream(db.unwrap(PGConnection.class),
          "COPY (" + query + ") TO STDOUT (FORMAT binary)");
      return new PrefetchedRows(new Rows(db, copy), "floe-copy-" + source, () -> cancel(db));
    } catch (SQLException e) {
      closeAfterFailure(db, e);
      throw readError(e);
    }
  }

  // PostgreSQL's cancel request, sent on a connection of its own: the server ends the COPY with an
  // error, which ends a read waiting on it.
  private void cancel(Connection db) {
    try {
      db.unwrap(org.postgresql.core.BaseConnection.class).cancelQuery();
    } catch (SQLException e) {
      throw readError(e);
    }
  }

  private FloeException readError(Exception e) {
    return FloeException.external(e, "Cannot read PostgreSQL rows for source %s: %s", source, e.getMessage());
  }

  private static void closeAfterFailure(Connection db, Exception failure) {
    try {
      db.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** The rows of one COPY, decoded one tuple ahead so that {@link #hasNext()} knows the end. */
  private final class Rows implements RowStream {
    private final Connection db;
    private final PGCopyInputStream copy;
    private final CopyBytes in;
    private Object[] next;
    private boolean done;

    Rows(Connection db, PGCopyInputStream copy) {
      this.db = db;
      this.copy = copy;
      this.in = new CopyBytes(copy::readFromCopy);
      try {
        byte[] signature = in.readNBytes(SIGNATURE.length);
        if (!Arrays.equals(signature, SIGNATURE)) {
          throw new IOException("the COPY stream does not start with PostgreSQL's binary signature");
        }
        in.readInt(); // flags: no OIDs are requested
        in.readNBytes(in.readInt()); // the header extension, empty today
      } catch (IOException | SQLException e) {
        close();
        throw readError(e);
      }
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        next = read();
      }
      return next != null;
    }

    @Override
    public Object[] next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Object[] row = next;
      next = null;
      return row;
    }

    private Object[] read() {
      try {
        short fields = in.readShort();
        if (fields == -1) {
          done = true;
          return null;
        }
        if (fields != columns.size()) {
          throw new IOException("a row of " + fields + " values, but the query has " + columns.size() + " columns");
        }
        Object[] row = new Object[fields];
        for (int i = 0; i < fields; i++) {
          int length = in.readInt();
          row[i] = length < 0 ? null : value(columns.get(i), length);
        }
        return row;
      } catch (EOFException e) {
        throw readError(new IOException("the COPY stream ended before its last row", e));
      } catch (IOException | SQLException e) {
        throw readError(e);
      }
    }

    private Object value(CopyColumn column, int length) throws IOException, SQLException {
      return switch (column.wire()) {
        case BOOL -> in.readByte() != 0;
        case INT2 -> (int) in.readShort();
        case INT4 -> in.readInt();
        case INT8 -> in.readLong();
        case OID -> BigDecimal.valueOf(Integer.toUnsignedLong(in.readInt()));
        case FLOAT4 -> Float.intBitsToFloat(in.readInt());
        case FLOAT8 -> Double.longBitsToDouble(in.readLong());
        case NUMERIC -> numeric(column);
        case TEXT -> in.readText(length);
        case DATE -> date(column, in.readInt());
        case TIMESTAMPTZ -> timestamp(column, in.readLong());
        case BYTEA -> in.readNBytes(length);
      };
    }

    // numeric_send: digit count, weight of the first base-10000 digit, sign, display scale, digits.
    private BigDecimal numeric(CopyColumn column) throws IOException, SQLException {
      int digits = in.readShort();
      int weight = in.readShort();
      int sign = in.readShort() & 0xFFFF;
      in.readShort(); // the value's display scale; the column's scale is what the table keeps
      if (sign != 0x0000 && sign != 0x4000) {
        throw special(column, "NaN or infinity");
      }
      long small = 0;
      BigInteger large = null;
      for (int i = 0; i < digits; i++) {
        int digit = in.readShort();
        if (large == null && small < Long.MAX_VALUE / 10_000 - 10_000) {
          small = small * 10_000 + digit;
        } else {
          large = (large == null ? BigInteger.valueOf(small) : large).multiply(BigInteger.valueOf(10_000))
              .add(BigInteger.valueOf(digit));
        }
      }
      // The digits' integer times 10^exponent is the value in units of the column's scale: exact, as a
      // value of a numeric(p,s) column has at most s digits after the point.
      int exponent = 4 * (weight - digits + 1) + column.scale();
      if (large == null && exponent >= -18 && exponent <= 18
          && (exponent <= 0 || small <= Long.MAX_VALUE / POWERS_OF_TEN[exponent])) {
        long unscaled = exponent <= 0 ? small / POWERS_OF_TEN[-exponent] : small * POWERS_OF_TEN[exponent];
        return BigDecimal.valueOf(sign == 0x4000 ? -unscaled : unscaled, column.scale());
      }
      BigDecimal value = (large == null ? BigDecimal.valueOf(small) : new BigDecimal(large))
          .scaleByPowerOfTen(exponent - column.scale()).setScale(column.scale(), RoundingMode.UNNECESSARY);
      return sign == 0x4000 ? value.negate() : value;
    }

    private LocalDate date(CopyColumn column, int days) {
      if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
        throw special(column, "infinity");
      }
      return LocalDate.ofEpochDay((long) days + EPOCH_DAYS);
    }

    private Instant timestamp(CopyColumn column, long micros) {
      if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
        throw special(column, "infinity");
      }
      long fromUnixEpoch = micros + EPOCH_MICROS;
      return Instant.ofEpochSecond(Math.floorDiv(fromUnixEpoch, 1_000_000L),
          Math.floorMod(fromUnixEpoch, 1_000_000L) * 1_000L);
    }

    private FloeException special(CopyColumn column, String what) {
      return FloeException.user("Cannot load source %s: column %s holds %s, which an Iceberg %s cannot store. "
          + "Filter or replace such values in a view, and read the view.", source, column.column().name(), what,
          column.column().type());
    }

    @Override
    public void close() {
      try (Connection closing = db) {
        // Closing the stream mid-copy cancels the COPY, so the connection can close cleanly.
        copy.close();
      } catch (IOException | SQLException e) {
        throw readError(e);
      }
    }
  }

  /**
   * The COPY's bytes as the driver receives them (a message per row, as PostgreSQL sends them), read
   * in place: big-endian numbers without a stream's per-byte calls, and values that straddle two
   * messages assembled.
   */
  static final class CopyBytes {
    private final Messages copy;
    private byte[] chunk = new byte[0];
    private int position;

    CopyBytes(Messages copy) {
      this.copy = copy;
    }

    /** The COPY's messages in order; null after the last. */
    @FunctionalInterface
    interface Messages {
      byte[] readFromCopy() throws SQLException;
    }

    byte readByte() throws IOException, SQLException {
      byte[] bytes = ensure(1);
      return bytes[advance(1)];
    }

    short readShort() throws IOException, SQLException {
      byte[] bytes = ensure(2);
      int at = advance(2);
      return (short) (((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF));
    }

    int readInt() throws IOException, SQLException {
      byte[] bytes = ensure(4);
      int at = advance(4);
      return ((bytes[at] & 0xFF) << 24) | ((bytes[at + 1] & 0xFF) << 16) | ((bytes[at + 2] & 0xFF) << 8)
          | (bytes[at + 3] & 0xFF);
    }

    long readLong() throws IOException, SQLException {
      return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    String readText(int length) throws IOException, SQLException {
      byte[] bytes = ensure(length);
      int at = advance(length);
      return new String(bytes, at, length, StandardCharsets.UTF_8);
    }

    byte[] readNBytes(int length) throws IOException, SQLException {
      byte[] bytes = ensure(length);
      int at = advance(length);
      return Arrays.copyOfRange(bytes, at, at + length);
    }

    private int advance(int length) {
      int at = position;
      position += length;
      return at;
    }

    // The current message when it holds the next length bytes, else the next message (PostgreSQL
    // sends one per row); a value split across messages is gathered into one array.
    private byte[] ensure(int length) throws IOException, SQLException {
      while (chunk.length - position < length) {
        byte[] next = copy.readFromCopy();
        if (next == null) {
          throw new EOFException();
        }
        int left = chunk.length - position;
        if (left == 0) {
          chunk = next;
        } else {
          byte[] joined = Arrays.copyOfRange(chunk, position, position + left + next.length);
          System.arraycopy(next, 0, joined, left, next.length);
          chunk = joined;
        }
        position = 0;
      }
      return chunk;
    }
  }
}
