package io.floe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine a bench ran on, for the report: CPU, cores, memory, OS and JVM, and the load average
 * when the bench started (other work on the machine shows in every figure).
 */
record MachineDescription(String cpu, int cores, long memoryBytes, String os, String jvm, long maxHeapBytes,
    double loadAverage) {
  static MachineDescription current() {
    return new MachineDescription(cpuModel(), Runtime.getRuntime().availableProcessors(), totalMemory(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch")
            + ")",
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + jitSettings(),
        Runtime.getRuntime().maxMemory(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("cpu", cpu);
    map.put("cores", cores);
    map.put("memory_mb", memoryBytes / 1_048_576);
    map.put("os", os);
    map.put("jvm", jvm);
    map.put("max_heap_mb", maxHeapBytes / 1_048_576);
    map.put("load_average_at_start", Math.round(loadAverage * 100) / 100.0);
    return map;
  }

  /** One line, e.g. "2 cores (Intel Xeon ...), 23.4 GB memory, Linux 6.1 (amd64), OpenJDK ... 17.0.15, ...". */
  String oneLine() {
    return String.format("%d cores (%s), %.1f GB memory, %s, %s, max heap %.1f GB; load average %.1f at start",
        cores, cpu, memoryBytes / 1e9, os, jvm, maxHeapBytes / 1e9, loadAverage);
  }

  // The JIT options this JVM was started with (the bench's own, see ./bench): they move the figures of the
  // rows run in this JVM.
  private static String jitSettings() {
    java.util.List<String> jit = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(option -> option.startsWith("-XX:Tier") || option.startsWith("-XX:ReservedCodeCacheSize"))
        .toList();
    return jit.isEmpty() ? " (its default JIT)" : " (JIT: " + String.join(" ", jit) + ")";
  }

  private static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      try {
        for (String line : Files.readAllLines(cpuinfo)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + cpuinfo + ": " + e.getMessage(), e);
      }
    }
    return System.getProperty("os.arch");
  }

  private static long totalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return -1;
  }
}
