package io.floe.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A class loader that remembers the names its parent does not have, so that asking again costs a
 * set lookup rather than a search of every jar on the class path.
 *
 * <p>Why: Spark compiles each query's generated code with Janino, which resolves every simple type
 * name against each imported package, so most of its lookups are for classes that do not exist. A
 * miss searches all of the class path's jars (hundreds here), and in the local executor it then
 * goes on to ask the driver over RPC; profiling the CLI tests showed about a tenth of all CPU time
 * there. Janino asks the context class loader of the thread that compiles, so {@link SparkSessions}
 * puts this loader there before the context starts (the local executor takes it as its parent, and
 * the threads Spark starts inherit it). Only the JVM's application class loader is wrapped: its
 * class path never grows, so a class missing once stays missing. Any other loader (an application
 * that embeds Floe, a plugin's loader) may gain classes, and is left as it is; jars added to Spark
 * ({@code spark.jars}) live in Spark's own loaders above this one and are searched before it.
 */
final class KnownMissingClasses extends ClassLoader {
  /** Enough for Janino's misses; past it, misses are searched again rather than remembered. */
  private static final int MAX_REMEMBERED = 200_000;

  static {
    registerAsParallelCapable();
  }

  private static KnownMissingClasses overApplicationLoader;

  private final Set<String> missing = ConcurrentHashMap.newKeySet();

  private KnownMissingClasses(ClassLoader parent) {
    super("floe-known-missing-classes", parent);
  }

  /**
   * The loader for Spark's threads: over the application class loader (the one for a null
   * {@code loader}), a loader that remembers its misses, made once; {@code loader} itself if it
   * is such a loader already, or any other loader.
   */
  static synchronized ClassLoader over(ClassLoader loader) {
    ClassLoader application = ClassLoader.getSystemClassLoader();
    ClassLoader parent = loader != null ? loader : application;
    if (parent != application) {
      return parent;
    }
    if (overApplicationLoader == null) {
      overApplicationLoader = new KnownMissingClasses(application);
    }
    return overApplicationLoader;
  }

  /** A loader that remembers the misses of {@code parent}, whatever it is: for tests. */
  static KnownMissingClasses remembering(ClassLoader parent) {
    return new KnownMissingClasses(parent);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (missing.contains(name)) {
      throw new KnownMissing(name);
    }
    try {
      return super.loadClass(name, resolve);
    } catch (ClassNotFoundException e) {
      if (missing.size() < MAX_REMEMBERED) {
        missing.add(name);
      }
      throw e;
    }
  }

  /** A miss answered from the set: its callers expect it often, so it carries no stack trace. */
  private static final class KnownMissing extends ClassNotFoundException {
    private static final long serialVersionUID = 1L;

    KnownMissing(String name) {
      super(name);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
