package io.floe.bench;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a tool's work N times, each after an untimed preparation, and makes its {@link Figure}. */
final class Runs {
  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  /** A step that may throw anything a benchmark's tool throws. */
  @FunctionalInterface
  interface Step {
    void run() throws Exception;
  }

  private final int count;

  Runs(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("Cannot run a benchmark " + count + " times: give at least 1");
    }
    this.count = count;
  }

  /**
   * Measures {@code work}, {@code count} times. {@code prepare} runs before each, untimed, followed by a
   * garbage collection so that each run's heap peak starts from the same floor; {@code check}, after
   * each, makes sure the work did what it claims (rows written), so that no figure is of a short cut.
   *
   * @throws BenchException if a step fails; a figure is never made of a failed run
   */
  Figure measure(String benchmark, String tool, String label, Step prepare, Step work, Step check) {
    return measure(benchmark, tool, label, 0, prepare, work, check);
  }

  /**
   * As {@link #measure(String, String, String, Step, Step, Step)}, after {@code warmUps} untimed runs
   * (prepared and checked as the others): for a steady-state figure of code that runs for as long as
   * its process, where the JIT has compiled it, and for a peer that would otherwise run on the JIT
   * the tool before it warmed.
   */
  Figure measure(String benchmark, String tool, String label, int warmUps, Step prepare, Step work, Step check) {
    for (int run = 1; run <= warmUps; run++) {
      call(benchmark, tool, "prepare warm-up run " + run, prepare);
      long start = System.nanoTime();
      call(benchmark, tool, "warm-up run " + run, work);
      long elapsed = System.nanoTime() - start;
      call(benchmark, tool, "check the output of warm-up run " + run, check);
      LOG.info("{} / {}: warm-up run {} of {} took {} s (not counted)", benchmark, tool, run, warmUps,
          String.format("%.2f", elapsed / 1e9));
    }
    List<Double> seconds = new ArrayList<>();
    long peakHeap = 0;
    long peakRss = 0;
    for (int run = 1; run <= count; run++) {
      call(benchmark, tool, "prepare run " + run, prepare);
      System.gc();
      MemorySampler memory = MemorySampler.start();
      long elapsed;
      try {
        long start = System.nanoTime();
        call(benchmark, tool, "run " + run, work);
        elapsed = System.nanoTime() - start;
      } finally {
        memory.close();
      }
      peakHeap = Math.max(peakHeap, memory.peakHeapBytes());
      peakRss = Math.max(peakRss, memory.peakRssBytes());
      call(benchmark, tool, "check the output of run " + run, check);
      seconds.add(elapsed / 1e9);
      LOG.info("{} / {}: run {} of {} took {} s", benchmark, tool, run, count, String.format("%.2f", elapsed / 1e9));
    }
    return Figure.measured(benchmark, tool, label, seconds, peakHeap, peakRss);
  }

  private static void call(String benchmark, String tool, String what, Step step) {
    try {
      step.run();
    } catch (BenchException e) {
      throw e;
    } catch (Exception e) {
      throw new BenchException("Cannot " + what + " of " + benchmark + " with " + tool + ": " + e.getMessage(), e);
    }
  }
}
