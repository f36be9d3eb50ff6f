package io.floe.spark.materialize;

import io.floe.core.sql.ViewDialectTranslator;
import io.floe.core.sql.ViewDialectTranslator.Translation;
import io.floe.spark.FloeEngine;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.iceberg.view.ReplaceViewVersion;
import org.apache.iceberg.view.SQLViewRepresentation;
import org.apache.iceberg.view.View;
import org.apache.iceberg.view.ViewProperties;
import org.apache.iceberg.view.ViewVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds other engines' SQL to the Iceberg views Floe writes. Spark stores a view with its 'spark'
 * representation only, which Trino refuses to read ("Cannot read unsupported dialect 'spark'"); each
 * {@link ViewDialectTranslator} on the class path (floe-sql-dialects: Trino's) adds one more.
 */
public final class ViewDialects {
  private static final Logger LOG = LoggerFactory.getLogger(ViewDialects.class);
  private static final String SPARK = "spark";
  /** Iceberg's view property (ViewProperties.REPLACE_DROP_DIALECT_ALLOWED) that lets Spark replace the view. */
  static final String DROP_DIALECT_ALLOWED = ViewProperties.REPLACE_DROP_DIALECT_ALLOWED;
  private static final List<ViewDialectTranslator> TRANSLATORS = ServiceLoader.load(ViewDialectTranslator.class,
      ViewDialects.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

  private ViewDialects() {}

  /**
   * Replaces the view's current version by one with the same Spark SQL, schema and defaults plus a
   * representation per translator; a view that cannot be translated keeps only its Spark SQL, with a
   * warning naming the view and the reason.
   */
  public static void addTranslations(FloeEngine engine, String viewName) {
    Catalog catalog = engine.icebergCatalog();
    if (TRANSLATORS.isEmpty() || !(catalog instanceof ViewCatalog views)) {
      return;
    }
    TableIdentifier id = TableIdentifier.parse(viewName);
    View view = views.loadView(id);
    ViewVersion current = view.currentVersion();
    SQLViewRepresentation spark = current.representations().stream()
        .filter(SQLViewRepresentation.class::isInstance).map(SQLViewRepresentation.class::cast)
        .filter(representation -> representation.dialect().equalsIgnoreCase(SPARK)).findFirst().orElse(null);
    if (spark == null) {
      return;
    }
    ReplaceViewVersion replace = view.replaceVersion().withSchema(view.schema())
        .withDefaultNamespace(current.defaultNamespace()).withQuery(spark.dialect(), spark.sql());
    if (current.defaultCatalog() != null) {
      replace.withDefaultCatalog(current.defaultCatalog());
    }
    boolean added = false;
    for (ViewDialectTranslator translator : TRANSLATORS) {
      // Trino resolves the view's tables in the catalog it reads the view from, named like Floe's.
      Translation translation = translator.translate(spark.sql(), engine.catalogName(),
          Arrays.asList(current.defaultNamespace().levels()));
      if (translation.sql().isPresent()) {
        replace.withQuery(translator.dialect(), translation.sql().get());
        added = true;
      } else {
        LOG.warn("View {} keeps only its Spark SQL: it cannot be translated to {}'s dialect ({}), so {} cannot "
            + "read it. See docs/engines.md.", viewName, translator.dialect(), translation.reason(),
            translator.dialect());
      }
    }
    if (added) {
      replace.commit();
    }
  }
}
