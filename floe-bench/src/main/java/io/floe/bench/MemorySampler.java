package io.floe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples, every few milliseconds while a run lasts, the JVM's used heap and the process's resident
 * memory (VmRSS from /proc/self/status, on Linux; DuckDB's native memory shows only there), and
 * keeps the peaks.
 */
final class MemorySampler implements AutoCloseable {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final long INTERVAL_MILLIS = 20;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakHeapBytes;
  private volatile long peakRssBytes;

  private MemorySampler() {
    sample();
    thread = new Thread(this::loop, "bench-memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts sampling now. */
  static MemorySampler start() {
    return new MemorySampler();
  }

  long peakHeapBytes() {
    return peakHeapBytes;
  }

  /** Peak resident memory, or -1 where /proc/self/status does not exist. */
  long peakRssBytes() {
    return peakRssBytes;
  }

  /** Stops sampling, after one last sample; never throws, so that it hides no failure of the run. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      // The sampler is a daemon that stops at its next tick; keep the interrupt for the caller.
      Thread.currentThread().interrupt();
    }
    sample();
  }

  private void loop() {
    while (running) {
      sample();
      try {
        Thread.sleep(INTERVAL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void sample() {
    peakHeapBytes = Math.max(peakHeapBytes, memory.getHeapMemoryUsage().getUsed());
    peakRssBytes = Math.max(peakRssBytes, residentBytes());
  }

  /** The process's resident set now, or -1 where /proc/self/status does not exist. */
  static long residentBytes() {
    return statusKilobytes("VmRSS:") * 1024;
  }

  /** The process's peak resident set since it started (VmHWM), or -1 where unknown. */
  static long highWaterMarkBytes() {
    return statusKilobytes("VmHWM:") * 1024;
  }

  private static long statusKilobytes(String field) {
    if (!Files.isReadable(STATUS)) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
        }
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + STATUS + ": " + e.getMessage(), e);
    }
  }
}
