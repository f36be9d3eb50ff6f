package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.models.project.ModelProperties;
import io.floe.spark.FloeEngine;
import io.floe.spark.materialize.WrittenBounds;
import io.floe.spark.sql.RowWiseQueries;
import io.floe.spark.table.AppendedRows;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows a view over appended-to sources shows now and did not show when its tests last passed,
 * so that its row tests read those rows only, as an incremental model's read the rows it wrote.
 *
 * <p>A view published by a build with tests stores in its property {@value #PROPERTY} what those
 * tests saw: a digest of its SQL, config and tests, and the snapshot of each source it reads. On
 * the next build the new rows are the view's SQL over the rows each source gained since then
 * (Iceberg's incremental read). That holds only when the view maps its one source row by row
 * (projections and filters, nothing that looks at other rows) and the source gained rows only
 * (appends and compactions). Anything else (a changed SQL or test, a view on another model, a
 * join or aggregate, a source overwritten, deleted from or rolled back) and the tests read the
 * whole view, as before.
 */
final class AppendedViewRows {
  /** The view property holding what the view's tests saw when they last passed. */
  static final String PROPERTY = "floe.tested";
  private static final Logger LOG = LoggerFactory.getLogger(AppendedViewRows.class);

  private final FloeEngine engine;
  private final ModelProject project;
  // Session views this made, from the tests' threads; dropped by close().
  private final List<String> sessionViews = java.util.Collections.synchronizedList(new ArrayList<>());

  AppendedViewRows(FloeEngine engine, ModelProject project) {
    this.engine = requireNonNull(engine, "engine is null");
    this.project = requireNonNull(project, "project is null");
  }

  /** What the tests of {@code model} see in this run: the value of {@value #PROPERTY} to publish with it. */
  String stamp(Model model) {
    StringBuilder stamp = new StringBuilder(definition(model));
    for (String relation : project.sourceRelations(model).stream().sorted().distinct().toList()) {
      // A source that is no Iceberg table of the catalog (a view, say) has no snapshot to read from.
      TableIdentifier id = TableIdentifier.parse(relation);
      Snapshot current = engine.findTable(id).map(Table::currentSnapshot).orElse(null);
      stamp.append(';').append(relation).append('=').append(current == null ? "none" : current.snapshotId());
    }
    return stamp.toString();
  }

  /**
   * A session view of the rows {@code model} (a view) gained since its tests last passed, or empty
   * when only its whole rows can tell (see the class comment).
   */
  Optional<DataTestRunner.WrittenRows> since(Model model) {
    try {
      return appendedRows(model);
    } catch (RuntimeException e) {
      // Reading every row is always right: a failure here costs time, not a test.
      // The type only: a driver's message may echo a resolved secret; -v (debug) shows the rest.
      LOG.warn("Model {}: its tests read all of its rows: the rows its sources gained could not be read ({})",
          model.name(), e.getClass().getSimpleName());
      LOG.debug("Model {}: cannot read the rows its sources gained", model.name(), e);
      return Optional.empty();
    }
  }

  private Optional<DataTestRunner.WrittenRows> appendedRows(Model model) {
    Optional<Map<String, Long>> tested = tested(model);
    if (tested.isEmpty() || !model.refs().isEmpty() || model.sources().isEmpty()) {
      return Optional.empty();
    }
    List<String> relations = project.sourceRelations(model).stream().distinct().toList();
    if (!tested.get().keySet().equals(new java.util.HashSet<>(relations))) {
      return Optional.empty();
    }
    Dataset<Row> whole = engine.session().sql(project.compile(model, false, Model::table));
    if (!RowWiseQueries.readsOneTableRowByRow(whole)) {
      LOG.debug("Model {}: not a row-by-row view of one table; its tests read all of its rows", model.name());
      return Optional.empty();
    }
    Map<String, String> appended = new HashMap<>();
    for (String relation : relations) {
      Optional<Dataset<Row>> rows = AppendedRows.since(engine, relation, tested.get().get(relation));
      if (rows.isEmpty()) {
        LOG.debug("Model {}: {} changed other than by appends; its tests read all of its rows", model.name(),
            relation);
        return Optional.empty();
      }
      appended.put(relation, register(rows.get()));
    }
    String sql = project.compileWithSources(model, false, Model::table,
        (source, table) -> appended.get(project.sourceRelation(source, table)));
    LOG.info("Model {}: its row tests read the rows its sources gained since they last passed", model.name());
    return Optional.of(new DataTestRunner.WrittenRows(register(engine.session().sql(sql)), bounds(whole, relations,
        tested.get())));
  }

  // The bounds of the files its one source gained, for the view's columns that are that source's as they are.
  private Optional<WrittenBounds> bounds(Dataset<Row> whole, List<String> relations, Map<String, Long> tested) {
    Map<String, String> columns = RowWiseQueries.tableColumns(whole);
    if (relations.size() != 1 || columns.isEmpty()) {
      return Optional.empty();
    }
    String relation = relations.get(0);
    try {
      Table table = engine.table(relation);
      return AppendedRows.addedFiles(table, tested.get(relation))
          .map(files -> WrittenBounds.of(table.schema(), files).as(columns));
    } catch (RuntimeException e) {
      // Without bounds a unique test queries the range of the new keys: slower, as right.
      LOG.debug("Cannot read the files {} gained; its view's unique tests query their keys' range", relation, e);
      return Optional.empty();
    }
  }

  /** Drops the session views this made. */
  void close() {
    sessionViews.forEach(view -> engine.session().catalog().dropTempView(view));
    sessionViews.clear();
  }

  private String register(Dataset<Row> rows) {
    String view = "floe_appended_" + UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(view);
    sessionViews.add(view);
    return view;
  }

  // The published view's stamp, if its definition is still the one the stamp was made for.
  private Optional<Map<String, Long>> tested(Model model) {
    TableIdentifier id = TableIdentifier.parse(model.table());
    Catalog catalog = engine.icebergCatalog();
    if (!(catalog instanceof ViewCatalog views) || !views.viewExists(id)) {
      return Optional.empty();
    }
    String stamp = views.loadView(id).properties().get(PROPERTY);
    if (stamp == null) {
      return Optional.empty();
    }
    String[] parts = stamp.split(";");
    if (!parts[0].equals(definition(model))) {
      return Optional.empty();
    }
    Map<String, Long> snapshots = new TreeMap<>();
    for (int i = 1; i < parts.length; i++) {
      int equals = parts[i].lastIndexOf('=');
      String snapshot = parts[i].substring(equals + 1);
      if (equals < 0 || !snapshot.matches("-?\\d+")) {
        return Optional.empty(); // a source that had no snapshot: nothing to read from
      }
      snapshots.put(parts[i].substring(0, equals), Long.parseLong(snapshot));
    }
    return Optional.of(snapshots);
  }

  // Everything that decides which rows the view shows and what its tests ask of them.
  private String definition(Model model) {
    String text = "sql:" + project.compile(model, false, Model::table) + "\nconfig:"
        + new TreeMap<>(model.config().values()) + "\ntests:"
        + model.properties().map(ModelProperties::tests).orElse(List.of());
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
