package io.floe.examples.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes CSV rows of ASCII values straight into a byte buffer, without a String per value: numbers,
 * zero-padded ids, amounts in cents and UTC timestamps are formatted digit by digit. Millions of rows
 * take seconds. Values are written as given: callers write no commas, quotes or line breaks.
 */
public final class CsvOutput implements AutoCloseable {
  private static final int BUFFER_BYTES = 1 << 16;
  private static final long SECONDS_PER_DAY = 86_400;

  private final OutputStream out;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private final byte[] digits = new byte[20];
  private int used;
  private boolean firstInRow = true;
  private long rows;

  public CsvOutput(OutputStream out) {
    this.out = out;
  }

  /** Writes the header line; it does not count as a row. */
  public void header(String commaSeparatedNames) {
    text(commaSeparatedNames);
    endLine();
  }

  /** The next field: ASCII text. */
  public CsvOutput text(String value) {
    separate();
    int length = value.length();
    ensure(length);
    for (int i = 0; i < length; i++) {
      buffer[used++] = (byte) value.charAt(i);
    }
    return this;
  }

  /** The next field: empty, which the readers of these files take as NULL. */
  public CsvOutput empty() {
    separate();
    return this;
  }

  /** The next field: a whole number. */
  public CsvOutput number(long value) {
    separate();
    appendDigits(value, 1);
    return this;
  }

  /** The next field: a prefix and a number zero-padded to {@code width} digits, e.g. CUST000042. */
  public CsvOutput id(String prefix, long value, int width) {
    separate();
    ensure(prefix.length());
    for (int i = 0; i < prefix.length(); i++) {
      buffer[used++] = (byte) prefix.charAt(i);
    }
    appendDigits(value, width);
    return this;
  }

  /** The next field: an IPv4 address from the four bytes of {@code bits}, each byte at least 1. */
  public CsvOutput ipAddress(int bits) {
    separate();
    for (int shift = 24; shift >= 0; shift -= 8) {
      appendDigits(Math.max(1, (bits >>> shift) & 0xff), 1);
      if (shift > 0) {
        ensure(1);
        buffer[used++] = '.';
      }
    }
    return this;
  }

  /** The next field: hundredths as a decimal with two places, e.g. 1234 as 12.34. */
  public CsvOutput cents(long hundredths) {
    return decimal(hundredths, 2);
  }

  /** The next field: {@code unscaled / 10^scale} with {@code scale} places, e.g. (1234, 3) as 1.234. */
  public CsvOutput decimal(long unscaled, int scale) {
    separate();
    long value = unscaled;
    if (value < 0) {
      ensure(1);
      buffer[used++] = '-';
      value = -value;
    }
    long divisor = 1;
    for (int i = 0; i < scale; i++) {
      divisor *= 10;
    }
    appendDigits(value / divisor, 1);
    if (scale > 0) {
      ensure(1);
      buffer[used++] = '.';
      appendDigits(value % divisor, scale);
    }
    return this;
  }

  /** The next field: a UTC timestamp as {@code yyyy-MM-dd HH:mm:ss}. */
  public CsvOutput timestamp(long epochSecond) {
    separate();
    long day = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
    long second = Math.floorMod(epochSecond, SECONDS_PER_DAY);
    appendDate(day);
    ensure(9);
    buffer[used++] = ' ';
    twoDigits(second / 3600);
    buffer[used++] = ':';
    twoDigits(second / 60 % 60);
    buffer[used++] = ':';
    twoDigits(second % 60);
    return this;
  }

  /** The next field: a date as {@code yyyy-MM-dd}. */
  public CsvOutput date(long epochDay) {
    separate();
    appendDate(epochDay);
    return this;
  }

  /** Ends the current row and counts it. */
  public void endRow() {
    endLine();
    rows++;
  }

  /** Rows ended so far, the header not included. */
  public long rows() {
    return rows;
  }

  @Override
  public void close() {
    try {
      flushBuffer();
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write CSV: " + e.getMessage(), e);
    }
  }

  private void endLine() {
    ensure(1);
    buffer[used++] = '\n';
    firstInRow = true;
  }

  private void separate() {
    if (firstInRow) {
      firstInRow = false;
    } else {
      ensure(1);
      buffer[used++] = ',';
    }
  }

  private void appendDigits(long value, int width) {
    int count = 0;
    long rest = value;
    do {
      digits[count++] = (byte) ('0' + rest % 10);
      rest /= 10;
    } while (rest > 0);
    ensure(Math.max(count, width));
    for (int pad = count; pad < width; pad++) {
      buffer[used++] = '0';
    }
    while (count > 0) {
      buffer[used++] = digits[--count];
    }
  }

  /** Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted). */
  private void appendDate(long epochDay) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthPart = (5 * dayOfYear + 2) / 153;
    long day = dayOfYear - (153 * monthPart + 2) / 5 + 1;
    long month = monthPart < 10 ? monthPart + 3 : monthPart - 9;
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    appendDigits(year, 4);
    ensure(6);
    buffer[used++] = '-';
    twoDigits(month);
    buffer[used++] = '-';
    twoDigits(day);
  }

  private void twoDigits(long value) {
    buffer[used++] = (byte) ('0' + value / 10);
    buffer[used++] = (byte) ('0' + value % 10);
  }

  private void ensure(int bytes) {
    if (used + bytes > buffer.length) {
      try {
        flushBuffer();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write CSV: " + e.getMessage(), e);
      }
    }
  }

  private void flushBuffer() throws IOException {
    out.write(buffer, 0, used);
    used = 0;
  }
}
