package io.floe.runtime;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;

/**
 * The JVM's own counters, read at a run's start and end: what the whole process spent on the CPU,
 * in the JIT compiler and in garbage collection while the run went on. A short Spark job in a new
 * JVM spends much of its CPU in the JIT, which the tasks' own figures (see {@code floe runs show})
 * do not count. The figures are the process's: in {@code floe serve} they include concurrent runs.
 */
record JvmWork(long wallNanos, long cpuNanos, long jitMillis, long gcMillis) {
  static JvmWork now() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    long cpu = os instanceof com.sun.management.OperatingSystemMXBean process ? process.getProcessCpuTime() : -1;
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long compiling = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    long gc = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, collector.getCollectionTime());
    }
    return new JvmWork(System.nanoTime(), cpu, compiling, gc);
  }

  /** The run's log line for what the JVM did between {@code start} and this reading. */
  String since(JvmWork start) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "jvm: %.1f s wall",
        (wallNanos - start.wallNanos) / 1e9));
    if (cpuNanos >= 0 && start.cpuNanos >= 0) {
      line.append(String.format(Locale.ROOT, ", process cpu %.1f s", (cpuNanos - start.cpuNanos) / 1e9));
    }
    if (jitMillis >= 0 && start.jitMillis >= 0) {
      line.append(String.format(Locale.ROOT, ", jit compilation %.1f s", (jitMillis - start.jitMillis) / 1e3));
    }
    line.append(String.format(Locale.ROOT, ", gc %.1f s", (gcMillis - start.gcMillis) / 1e3));
    return line.toString();
  }
}
