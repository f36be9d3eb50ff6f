package io.floe.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A fixed piece of CPU work, timed at the start and at the end of a bench: sorting the same 8M
 * pseudo-random longs in one thread, best of three. Its seconds say how fast the machine was while
 * the figures were taken. On a shared (virtual) machine they drift by tens of percent within an
 * hour, and every figure drifts with them; two bench runs compare one to one only when their
 * reference seconds do.
 */
record ReferenceWork(double secondsAtStart, double secondsAtEnd) {
  static final String WHAT = "sorting the same 8M pseudo-random longs in one thread, best of 3";
  private static final int VALUES = 8 << 20;
  private static final long SEED = 42;

  /** The best of three timings of the work, in seconds. */
  static double measure() {
    long[] values = new SplittableRandom(SEED).longs(VALUES).toArray();
    double best = Double.MAX_VALUE;
    for (int attempt = 0; attempt < 3; attempt++) {
      long[] copy = values.clone();
      long start = System.nanoTime();
      Arrays.sort(copy);
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
      if (copy[0] > copy[copy.length - 1]) {
        throw new IllegalStateException("The reference sort did not sort");
      }
    }
    return best;
  }
}
