package io.floe.examples.ecommerce;

import java.util.SplittableRandom;

/**
 * What rows of one file draw on: the random stream, the sizes of the shared id pools (customers,
 * sessions, products, orders) and the period their timestamps fall in.
 *
 * @param firstSession the lowest session number of this file; a later batch opens new sessions
 * @param periodStart epoch second of the period's start (UTC)
 */
record RowContext(SplittableRandom random, long customers, long firstSession, long sessions, long products,
    long orders, long periodStart, int periodDays) {
  static final long SECONDS_PER_DAY = 86_400;

  /** A random timestamp in the period. */
  long timestampInPeriod() {
    return periodStart + random.nextLong(periodDays * SECONDS_PER_DAY);
  }

  /** A random day in the period, as days since 1970-01-01. */
  long dayInPeriod() {
    return periodStart / SECONDS_PER_DAY + random.nextInt(periodDays);
  }

  /** A customer number, 1 to customers. */
  long customer() {
    return 1 + random.nextLong(customers);
  }

  /** An index into {@code weights} (which sum to 100), drawn with those weights. */
  int weighted(int[] weights) {
    int draw = random.nextInt(100);
    for (int i = 0; i < weights.length; i++) {
      draw -= weights[i];
      if (draw < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** SplitMix64's finaliser: a well-spread function of a number, for per-session attributes. */
  static long mix(long value) {
    long z = value + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
