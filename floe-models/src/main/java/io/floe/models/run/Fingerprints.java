package io.floe.models.run;

import static java.util.Objects.requireNonNull;

import io.floe.models.project.Model;
import io.floe.models.project.ModelProject;
import io.floe.spark.FloeEngine;
import io.floe.spark.sql.TablesRead;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.catalog.ViewCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a model must run. A model's fingerprint is a SHA-256 of everything its result depends
 * on: its SQL as rendered (with {@code max_of()} as a subquery, not a value), its config, and the
 * state of each input: a table's snapshot id on main (or on the run's branch, when this run wrote
 * it), a view model's own fingerprint, a source view's version and the snapshots of the tables it
 * reads. The fingerprint a run computed is stored with what it published:
 * a table's in the table property {@value #PROPERTY}, set in the same commit that moves main; a
 * view's in the view's properties. When the fingerprint of a model equals the stored one, its table
 * already holds what it would write: it is not run. No separate state to keep in step: the tables
 * are the state.
 */
final class Fingerprints {
  private static final Logger LOG = LoggerFactory.getLogger(Fingerprints.class);
  /** The table or view property that holds the fingerprint of what main holds. */
  static final String PROPERTY = "floe.fingerprint";
  /** The view property that holds the fingerprint of the view's definition (see {@link #definitionOf}). */
  static final String DEFINITION_PROPERTY = "floe.definition";

  private final FloeEngine engine;
  private final ModelProject project;
  // What each model's output is in this run, once settled: "snapshot:<id>" or "view:<fingerprint>".
  private final Map<String, String> states = new ConcurrentHashMap<>();
  private final Map<String, String> fullSql = new ConcurrentHashMap<>();

  Fingerprints(FloeEngine engine, ModelProject project) {
    this.engine = requireNonNull(engine, "engine is null");
    this.project = requireNonNull(project, "project is null");
  }

  /**
   * The fingerprint of {@code model} given the state of its inputs now. An {@code incrementalModel}'s covers
   * both its SQL texts, for a first (full) run and for the runs after it, and not which one a run used: from
   * the same inputs either leaves the same rows, so a build right after a full one, with nothing new, finds
   * it unchanged; an edit of either text makes it run.
   */
  String of(Model model, boolean incrementalModel) {
    StringBuilder text = new StringBuilder();
    text.append("sql:").append(fullSql(model)).append('\n');
    if (incrementalModel) {
      text.append("incremental sql:").append(project.compile(model, true, Model::table)).append('\n');
    }
    text.append("config:").append(new TreeMap<>(model.config().values())).append('\n');
    for (String ref : model.refs().stream().sorted().toList()) {
      text.append("ref:").append(ref).append('=').append(state(project.model(ref))).append('\n');
    }
    for (String relation : project.sourceRelations(model).stream().sorted().toList()) {
      text.append("source:").append(relation).append('=').append(tableState(relation)).append('\n');
    }
    return sha256(text.toString());
  }

  /**
   * The fingerprint of a view model's definition alone: its SQL and config, and of each table it
   * reads the schema, not the rows (a view it reads, with its state). A view is created again only
   * when this changes: new rows in its tables reach its readers through it as it is.
   */
  String definitionOf(Model model) {
    StringBuilder text = new StringBuilder();
    text.append("sql:").append(fullSql(model)).append('\n');
    text.append("config:").append(new TreeMap<>(model.config().values())).append('\n');
    for (String ref : model.refs().stream().sorted().toList()) {
      Model input = project.model(ref);
      text.append("ref:").append(ref).append('=').append(input.createsView() ? state(input) : schema(input.table()))
          .append('\n');
    }
    for (String relation : project.sourceRelations(model).stream().sorted().toList()) {
      text.append("source:").append(relation).append('=').append(schema(relation)).append('\n');
    }
    return sha256(text.toString());
  }

  // A model's SQL for a first (full) run, rendered once per run: a view's fingerprint and its
  // definition's both hold it.
  private String fullSql(Model model) {
    return fullSql.computeIfAbsent(model.name(), name -> project.compile(model, false, Model::table));
  }

  /** The definition fingerprint stored with the model's published view, if any. */
  Optional<String> storedDefinition(Model model) {
    TableIdentifier id = TableIdentifier.parse(model.table());
    return engine.icebergCatalog() instanceof ViewCatalog views && views.viewExists(id)
        ? Optional.ofNullable(views.loadView(id).properties().get(DEFINITION_PROPERTY)) : Optional.empty();
  }

  // A table's identity and schema; anything else (a view) as its whole state.
  private String schema(String relation) {
    Optional<Table> table = engine.findTable(TableIdentifier.parse(relation));
    return table.map(found -> "table:" + found.uuid() + ":" + found.schema().schemaId())
        .orElseGet(() -> tableState(relation));
  }

  /** The fingerprint stored with the model's published table or view, if any. */
  Optional<String> stored(Model model) {
    TableIdentifier id = TableIdentifier.parse(model.table());
    Catalog catalog = engine.icebergCatalog();
    if (model.createsView()) {
      return catalog instanceof ViewCatalog views && views.viewExists(id)
          ? Optional.ofNullable(views.loadView(id).properties().get(PROPERTY)) : Optional.empty();
    }
    Optional<Table> found = engine.findTable(id);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Table table = found.get();
    // Stored as <fingerprint>@<snapshot id>: valid only while main still holds that snapshot's rows (a
    // rollback or a write by hand makes the model run again; a compaction does not).
    String value = table.properties().get(PROPERTY);
    Snapshot main = TablesRead.dataVersion(table, table.currentSnapshot());
    if (value == null || main == null || !value.endsWith("@" + main.snapshotId())) {
      return Optional.empty();
    }
    return Optional.of(value.substring(0, value.lastIndexOf('@')));
  }

  /** The property value to store when main moves to {@code snapshotId} for a model with {@code fingerprint}. */
  static String stamp(String fingerprint, long snapshotId) {
    return fingerprint + "@" + snapshotId;
  }

  /** Records what a settled table model holds for this run's later models: its snapshot. */
  void settledTable(Model model, Optional<String> branch) {
    Table table = engine.icebergCatalog().loadTable(TableIdentifier.parse(model.table()));
    Snapshot snapshot = TablesRead.dataVersion(table, branch.map(table::snapshot).orElse(table.currentSnapshot()));
    states.put(model.name(), "snapshot:" + (snapshot == null ? "none" : snapshot.snapshotId()));
  }

  /** Records what a settled view model is for this run's later models: its fingerprint. */
  void settledView(Model model, String fingerprint) {
    states.put(model.name(), "view:" + fingerprint);
  }

  private String state(Model model) {
    String settled = states.get(model.name());
    if (settled != null) {
      return settled;
    }
    // Not part of this run: as published.
    if (model.createsView()) {
      // Its stored fingerprint holds its inputs as they were when it was published; they may have moved.
      return stored(model).map(fingerprint -> "view:" + fingerprint + ":" + tablesRead(model.table()))
          .orElse("view:unknown");
    }
    return tableState(model.table());
  }

  private String tableState(String relation) {
    TableIdentifier id = TableIdentifier.parse(relation);
    Catalog catalog = engine.icebergCatalog();
    Optional<Table> table = engine.findTable(id);
    if (table.isPresent()) {
      Snapshot snapshot = TablesRead.dataVersion(table.get(), table.get().currentSnapshot());
      return "snapshot:" + (snapshot == null ? "none" : snapshot.snapshotId());
    }
    if (catalog instanceof ViewCatalog views && views.viewExists(id)) {
      org.apache.iceberg.view.View view = views.loadView(id);
      // A view's rows follow the tables it reads: their snapshots are part of its state.
      return "view:" + view.currentVersion().versionId() + ":" + view.properties().getOrDefault(PROPERTY, "")
          + ":" + tablesRead(relation);
    }
    return "absent";
  }

  private String tablesRead(String view) {
    Optional<SortedMap<String, String>> tables;
    try {
      tables = TablesRead.of(engine.session().table(view));
    } catch (RuntimeException e) {
      // A view Spark cannot analyze now (a table under it dropped, say): the model that reads it
      // runs, and its run says what is wrong.
      LOG.debug("Cannot tell which tables view {} reads", view, e);
      tables = Optional.empty();
    }
    // Reads something whose state cannot be told: a state no earlier run had, so the model runs.
    return tables.map(Object::toString).orElseGet(() -> "unknown " + UUID.randomUUID());
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
