package io.floe.core.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Translates a view's Spark SQL into another engine's dialect, so the Iceberg view carries a
 * representation that engine can read. Implementations are found with {@link java.util.ServiceLoader}
 * (floe-sql-dialects provides Trino's), so their libraries stay out of the modules that call them.
 */
public interface ViewDialectTranslator {
  /** The Iceberg view dialect written, e.g. {@code trino}. */
  String dialect();

  /**
   * The view's SQL in {@link #dialect()}, with every table qualified by {@code catalog} and, when
   * the SQL names none, {@code defaultNamespace}; or why it cannot be translated.
   */
  Translation translate(String sparkSql, String catalog, List<String> defaultNamespace);

  /** Either the translated SQL or the reason there is none. */
  record Translation(Optional<String> sql, String reason) {
    public Translation {
      requireNonNull(sql, "sql is null");
      requireNonNull(reason, "reason is null");
    }

    public static Translation of(String sql) {
      return new Translation(Optional.of(sql), "");
    }

    public static Translation impossible(String reason) {
      return new Translation(Optional.empty(), reason);
    }
  }
}
