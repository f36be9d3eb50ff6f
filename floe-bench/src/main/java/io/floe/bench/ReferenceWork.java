package io.floe.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fixed piece of CPU work, timed at the start and at the end of a bench: SHA-256 of the same
 * 256 MB, in one thread, best of three. Its seconds say how fast the machine was while the figures
 * were taken. On a shared (virtual) machine they drift by tens of percent within an hour, and every
 * figure drifts with them; two bench runs compare one to one only when their reference seconds do.
 */
record ReferenceWork(double secondsAtStart, double secondsAtEnd) {
  static final String WHAT = "SHA-256 of 256 MB in one thread, best of 3";
  private static final int BUFFER_BYTES = 1 << 20;
  private static final int ROUNDS = 256;

  /** The best of three timings of the work, in seconds. */
  static double measure() {
    byte[] buffer = new byte[BUFFER_BYTES];
    for (int i = 0; i < buffer.length; i++) {
      buffer[i] = (byte) (i * 31);
    }
    double best = Double.MAX_VALUE;
    for (int attempt = 0; attempt < 3; attempt++) {
      long start = System.nanoTime();
      digest(buffer);
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return best;
  }

  private static byte[] digest(byte[] buffer) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("This JVM has no SHA-256, which every Java SE JVM must have", e);
    }
    for (int round = 0; round < ROUNDS; round++) {
      sha.update(buffer);
    }
    return sha.digest();
  }
}
