package io.floe.ingest.spi;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How many rejected rows a run may have: a count, a ratio of the rows read, or no limit.
 *
 * @param count the largest allowed number of rejects, or empty
 * @param ratio the largest allowed share of rejects (0 to 1), or empty
 */
public record RejectLimit(OptionalLong count, OptionalDouble ratio) {
  public static final RejectLimit NONE = new RejectLimit(OptionalLong.empty(), OptionalDouble.empty());

  public RejectLimit {
    if (count.isPresent() && count.getAsLong() < 0) {
      throw new IllegalArgumentException("Invalid reject count: must be 0 or more, but was: " + count.getAsLong());
    }
    if (ratio.isPresent() && !(ratio.getAsDouble() >= 0 && ratio.getAsDouble() <= 1)) {
      throw new IllegalArgumentException("Invalid reject ratio: must be within 0 and 1, but was: " + ratio.getAsDouble());
    }
  }

  /**
   * Reads {@code 100}, {@code 0.01} or {@code 1%}.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static RejectLimit parse(String text) {
    String value = text.strip();
    try {
      if (value.endsWith("%")) {
        return ofRatio(Double.parseDouble(value.substring(0, value.length() - 1).strip()) / 100);
      }
      if (value.matches("\\d+")) {
        return new RejectLimit(OptionalLong.of(Long.parseLong(value)), OptionalDouble.empty());
      }
      return ofRatio(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid reject limit: expected a count such as 100 or a ratio such as 0.01 "
          + "or 1%, but was: " + text, e);
    }
  }

  private static RejectLimit ofRatio(double ratio) {
    return new RejectLimit(OptionalLong.empty(), OptionalDouble.of(ratio));
  }

  /** Whether {@code rejects} out of {@code rowsRead} rows is more than allowed. */
  public boolean isExceeded(long rejects, long rowsRead) {
    if (count.isPresent()) {
      return rejects > count.getAsLong();
    }
    return ratio.isPresent() && rowsRead > 0 && (double) rejects / rowsRead > ratio.getAsDouble();
  }

  @Override
  public String toString() {
    if (count.isPresent()) {
      return String.valueOf(count.getAsLong());
    }
    return ratio.isPresent() ? String.format(Locale.ROOT, "%.4g%%", ratio.getAsDouble() * 100) : "no limit";
  }
}
