package io.floe.bench;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tool's figure in one benchmark: the seconds of each run with the peaks of memory, or why
 * there is no figure ({@code notAvailable}, e.g. "n/a (models not built yet)").
 *
 * @param benchmark the benchmark's id, e.g. {@code csv_to_bronze}
 * @param tool the tool's id, e.g. {@code duckdb}
 * @param label what the tool did, in words
 * @param seconds each run's wall-clock seconds; empty when not available
 * @param notAvailable null for a measured figure, else the reason there is none
 * @param ratios this median divided by each measured peer's median, by peer tool
 */
record Figure(String benchmark, String tool, String label, List<Double> seconds, long peakHeapBytes,
    long peakRssBytes, String notAvailable, Map<String, Double> ratios) {
  Figure {
    requireNonNull(benchmark, "benchmark is null");
    requireNonNull(tool, "tool is null");
    requireNonNull(label, "label is null");
    seconds = List.copyOf(seconds);
    ratios = Collections.unmodifiableMap(new LinkedHashMap<>(ratios));
    if ((notAvailable == null) == seconds.isEmpty()) {
      throw new IllegalArgumentException("Cannot make figure " + benchmark + "/" + tool
          + ": give either run times or the reason there are none");
    }
  }

  static Figure measured(String benchmark, String tool, String label, List<Double> seconds, long peakHeapBytes,
      long peakRssBytes) {
    return new Figure(benchmark, tool, label, seconds, peakHeapBytes, peakRssBytes, null, Map.of());
  }

  static Figure notAvailable(String benchmark, String tool, String label, String reason) {
    return new Figure(benchmark, tool, label, List.of(), -1, -1, reason, Map.of());
  }

  boolean isMeasured() {
    return notAvailable == null;
  }

  double median() {
    List<Double> sorted = new ArrayList<>(seconds);
    sorted.sort(null);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  double min() {
    return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  double max() {
    return seconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  Figure withRatios(Map<String, Double> ratios) {
    return new Figure(benchmark, tool, label, seconds, peakHeapBytes, peakRssBytes, notAvailable, ratios);
  }
}
