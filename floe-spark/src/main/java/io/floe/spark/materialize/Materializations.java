package io.floe.spark.materialize;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The materializations by name: the built-in ones, then the plug-ins {@link ServiceLoader} finds
 * on the class path. Two with one name are an error at start, naming both classes.
 */
public final class Materializations {
  public static final String VIEW = "view";
  public static final String TABLE = "table";
  public static final String INCREMENTAL = "incremental";
  public static final String SCD2 = "scd2";
  public static final String EPHEMERAL = "ephemeral";

  private static final Map<String, Materialization> REGISTERED = load();

  private Materializations() {}

  /** Every registered name, the built-in ones first. */
  public static Set<String> names() {
    return REGISTERED.keySet();
  }

  /**
   * The materialization registered as {@code name}.
   *
   * @throws FloeException (user) naming the known ones when there is none
   */
  public static Materialization named(String name) {
    Materialization found = REGISTERED.get(name.trim().toLowerCase(Locale.ROOT));
    if (found == null) {
      throw FloeException.user("Unknown materialization '%s': the known ones are %s.%s", name, names(),
          DidYouMean.hint(name, names()));
    }
    return found;
  }

  private static Map<String, Materialization> load() {
    Map<String, Materialization> byName = new LinkedHashMap<>();
    List<Materialization> builtIn = List.of(new ViewMaterialization(), new TableReplaceMaterialization(),
        new IncrementalMaterialization(), new Scd2Materialization(), new EphemeralMaterialization());
    builtIn.forEach(materialization -> register(byName, materialization));
    ServiceLoader.load(Materialization.class, Materializations.class.getClassLoader())
        .forEach(materialization -> register(byName, materialization));
    return Collections.unmodifiableMap(byName);
  }

  private static void register(Map<String, Materialization> byName, Materialization materialization) {
    String name = materialization.name().toLowerCase(Locale.ROOT);
    Materialization previous = byName.putIfAbsent(name, materialization);
    if (previous != null) {
      throw new IllegalStateException("Two materializations are named '" + name + "': "
          + previous.getClass().getName() + " and " + materialization.getClass().getName()
          + ". Remove one of their jars from the class path.");
    }
  }
}
