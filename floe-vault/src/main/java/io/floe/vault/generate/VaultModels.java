package io.floe.vault.generate;

import io.floe.models.project.ModelProperties;
import io.floe.models.project.ProvidedModel;
import io.floe.models.test.DataTestDefinition;
import io.floe.models.test.DataTestDefinition.Severity;
import io.floe.vault.declare.VaultDeclaration;
import io.floe.vault.declare.VaultDeclaration.Bridge;
import io.floe.vault.declare.VaultDeclaration.EffectivitySatellite;
import io.floe.vault.declare.VaultDeclaration.Hub;
import io.floe.vault.declare.VaultDeclaration.Link;
import io.floe.vault.declare.VaultDeclaration.Pit;
import io.floe.vault.declare.VaultDeclaration.Reference;
import io.floe.vault.declare.VaultDeclaration.Satellite;
import io.floe.vault.declare.VaultDeclaration.Stage;
import io.floe.vault.declare.VaultDeclaration.StatusSatellite;
import io.floe.vault.hash.HashSql;
import io.floe.vault.hash.HashSql.Dialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a checked {@link VaultDeclaration} into models: staging views, and insert-only incremental
 * tables for hubs, links and satellites, whose SQL does the vault's loading rules itself, so that
 * {@code floe compile} shows exactly what runs:
 *
 * <ul>
 *   <li>a load reads only staging rows ingested since the table's last load ({@code _ingested_at}),
 *       and inserts nothing that is already there: a rerun inserts nothing;
 *   <li>a hub or link row is a key's first sighting (its earliest load timestamp);
 *   <li>a satellite row is a version: every change of the hash diff in load-timestamp order, the
 *       table's latest version of the key included, so A → B → A in one batch is three rows and a
 *       late row is compared with the version before it in time;
 *   <li>status and effectivity satellites end-date what a change log deletes, a full load no longer
 *       holds, or a driving key moves away from.
 * </ul>
 */
public final class VaultModels {
  /** The load timestamp of ghost records and the end timestamp of what is still in effect. */
  static final String BEGINNING = "TIMESTAMP '1900-01-01 00:00:00'";
  static final String END_OF_TIME = "TIMESTAMP '9999-12-31 00:00:00'";
  private static final String LOADED = "_ingested_at";

  private final VaultDeclaration vault;
  private final Map<String, Stage> stages = new LinkedHashMap<>();
  private final Map<String, Hub> hubs = new LinkedHashMap<>();
  private final Map<String, Link> links = new LinkedHashMap<>();
  private final Map<String, Satellite> satellites = new LinkedHashMap<>();

  private VaultModels(VaultDeclaration vault) {
    this.vault = vault;
    vault.stages().forEach(stage -> stages.put(stage.name(), stage));
    vault.hubs().forEach(hub -> hubs.put(hub.name(), hub));
    vault.links().forEach(link -> links.put(link.name(), link));
    vault.satellites().forEach(satellite -> satellites.put(satellite.name(), satellite));
  }

  /** The models of {@code vault}: stages, hubs, links, satellites, reference tables, PITs and bridges. */
  public static List<ProvidedModel> of(VaultDeclaration vault) {
    VaultModels generator = new VaultModels(vault);
    List<ProvidedModel> models = new ArrayList<>();
    vault.stages().forEach(stage -> models.add(generator.stage(stage)));
    vault.hubs().forEach(hub -> models.add(generator.hub(hub)));
    vault.links().forEach(link -> models.add(generator.link(link)));
    vault.satellites().forEach(satellite -> models.add(generator.satellite(satellite)));
    vault.statusSatellites().forEach(sts -> models.add(generator.statusSatellite(sts)));
    vault.effectivitySatellites().forEach(eff -> models.add(generator.effectivitySatellite(eff)));
    vault.references().forEach(reference -> models.add(generator.reference(reference)));
    vault.pits().forEach(pit -> models.add(generator.pit(pit)));
    vault.bridges().forEach(bridge -> models.add(generator.bridge(bridge)));
    return List.copyOf(models);
  }

  private ProvidedModel stage(Stage stage) {
    StringBuilder sql = new StringBuilder("-- staging ").append(stage.name()).append(", declared at ")
        .append(stage.where()).append('\n');
    sql.append("WITH source_rows AS (\n  SELECT * FROM ").append(relation(stage.from())).append("\n)");
    String input = "source_rows";
    if (!stage.derived().isEmpty()) {
      sql.append(",\nderived AS (\n  SELECT *");
      stage.derived().forEach((name, expression) -> sql.append(",\n    ").append(expression).append(" AS ")
          .append(name));
      sql.append("\n  FROM source_rows\n)");
      input = "derived";
    }
    sql.append("\nSELECT *");
    stage.hashKeys().forEach((name, columns) -> sql.append(",\n  ")
        .append(HashSql.key(Dialect.SPARK, vault.settings().hash(), columns)).append(" AS ").append(name));
    stage.hashDiffs().forEach((name, columns) -> sql.append(",\n  ")
        .append(HashSql.diff(Dialect.SPARK, vault.settings().hash(), columns)).append(" AS ").append(name));
    sql.append(",\n  CAST(").append(stage.loadTs()).append(" AS TIMESTAMP) AS load_ts");
    sql.append(",\n  ").append(literal(stage.recordSource())).append(" AS record_source");
    stage.deletedWhen().ifPresent(condition -> sql.append(",\n  coalesce(").append(condition)
        .append(", false) AS is_deleted"));
    sql.append("\nFROM ").append(input).append('\n');
    return model(stage.name(), stage.where(), sql.toString(), vault.settings().stagingSchema(), "view",
        List.of("vault", "stage"), List.of(), "Staging " + stage.from() + " for the vault: hash keys, hash diffs,"
            + " load timestamp and record source.");
  }

  private ProvidedModel hub(Hub hub) {
    List<String> columns = new ArrayList<>(List.of(hub.key()));
    columns.addAll(hub.businessKeys());
    String sql = firstSightings("hub " + hub.name(), hub.where(), hub.key(), columns, hub.from(),
        ghost(List.of(hub.key()), hub.businessKeys()));
    List<DataTestDefinition> tests = new ArrayList<>(keyTests(hub.key(), hub.where()));
    return model(hub.name(), hub.where(), sql, vault.settings().schema(), "incremental", List.of("vault", "hub"),
        tests, "Hub of " + String.join(", ", hub.businessKeys()) + ": one row per business key.");
  }

  private ProvidedModel link(Link link) {
    List<String> columns = new ArrayList<>(List.of(link.key()));
    columns.addAll(link.hubs().values());
    columns.addAll(link.payload());
    List<String> keys = new ArrayList<>(List.of(link.key()));
    keys.addAll(link.hubs().values());
    String sql = firstSightings("link " + link.name(), link.where(), link.key(), columns, link.from(),
        ghost(keys, link.payload()));
    List<DataTestDefinition> tests = new ArrayList<>(keyTests(link.key(), link.where()));
    link.hubs().forEach((hubName, column) -> {
      tests.add(test("not_null", column, Map.of(), link.where()));
      tests.add(test("relationships", column, Map.of("to", "ref('" + hubName + "')", "field",
          hubs.get(hubName).key()), link.where()));
    });
    return model(link.name(), link.where(), sql, vault.settings().schema(), "incremental", List.of("vault", "link"),
        tests, (link.payload().isEmpty() ? "Link of " : "Non-historized link of ")
            + String.join(", ", link.hubs().keySet()) + ".");
  }

  // Hubs and links: each key once, at its first sighting; only keys the table does not hold yet.
  private String firstSightings(String what, String where, String key, List<String> columns, List<String> from,
      Optional<String> ghost) {
    String selected = String.join(", ", columns);
    StringBuilder sql = new StringBuilder("-- ").append(what).append(", declared at ").append(where).append('\n');
    sql.append("WITH staged AS (\n");
    for (int i = 0; i < from.size(); i++) {
      Stage stage = stages.get(from.get(i));
      if (i > 0) {
        sql.append("  UNION ALL\n");
      }
      sql.append("  SELECT ").append(selected).append(", load_ts, record_source, ").append(stage.ingestedAt())
          .append(" AS ").append(LOADED).append("\n  FROM ").append(ref(stage.name())).append("\n  WHERE ")
          .append(key).append(" IS NOT NULL").append(notDeleted(stage)).append(sinceLastLoad(stage)).append('\n');
    }
    // The first sighting by aggregation (min_by), not a window: a partial aggregate per task, then
    // one row per key, instead of sorting every staged row (a hub fed by a million readings).
    List<String> carried = new ArrayList<>(columns.subList(1, columns.size()));
    carried.addAll(List.of("load_ts", "record_source", LOADED));
    sql.append("),\nfirst_sightings AS (\n  SELECT ").append(key).append(", min_by(named_struct(")
        .append(carried.stream().map(column -> "'" + column + "', " + column).collect(Collectors.joining(", ")))
        .append("), named_struct('load_ts', load_ts, 'record_source', record_source)) AS first\n  FROM staged\n"
            + "  GROUP BY ").append(key).append("\n)\n");
    sql.append("SELECT s.").append(key).append(carried.stream().map(column -> ", s.first." + column)
        .collect(Collectors.joining())).append("\nFROM first_sightings s\n");
    sql.append("{% if is_incremental() %}\nLEFT ANTI JOIN {{ this }} t ON t.").append(key).append(" = s.").append(key)
        .append("\n{% endif %}\n");
    ghost.ifPresent(row -> sql.append("{% if not is_incremental() %}\nUNION ALL\n").append(row)
        .append("\n{% endif %}\n"));
    return sql.toString();
  }

  private ProvidedModel satellite(Satellite satellite) {
    Stage stage = stages.get(satellite.from());
    String parentKey = parentKey(satellite.parent());
    List<String> versionKey = new ArrayList<>(List.of(parentKey));
    versionKey.addAll(satellite.childKey());
    List<String> payload = satellite.payload().stream().filter(column -> !satellite.childKey().contains(column))
        .toList();
    List<String> columns = new ArrayList<>(versionKey);
    columns.add(satellite.hashdiff());
    columns.addAll(payload);
    columns.addAll(List.of("load_ts", "record_source", LOADED));
    List<String> hashed = new ArrayList<>(satellite.childKey());
    hashed.addAll(payload);
    String hashdiff = HashSql.diff(Dialect.SPARK, vault.settings().hash(), hashed);
    StringBuilder sql = new StringBuilder("-- satellite ").append(satellite.name()).append(" of ")
        .append(satellite.parent()).append(", declared at ").append(satellite.where()).append('\n');
    sql.append("WITH staged AS (\n  SELECT ").append(String.join(", ", versionKey)).append(", ").append(hashdiff)
        .append(" AS ").append(satellite.hashdiff()).append(payload.isEmpty() ? "" : ", " + String.join(", ", payload))
        .append(", load_ts, record_source, ").append(stage.ingestedAt()).append(" AS ").append(LOADED)
        .append("\n  FROM ").append(ref(stage.name())).append("\n  WHERE ").append(parentKey).append(" IS NOT NULL")
        .append(notDeleted(stage)).append(sinceLastLoad(stage)).append("\n),\n");
    versions(sql, versionKey, columns, satellite.hashdiff());
    List<String> unknown = new ArrayList<>(satellite.childKey());
    unknown.add(satellite.hashdiff());
    unknown.addAll(payload);
    Optional<String> ghost = ghost(List.of(parentKey), unknown);
    ghost.ifPresent(row -> sql.append("{% if not is_incremental() %}\nUNION ALL\n").append(row)
        .append("\n{% endif %}\n"));
    List<String> unique = new ArrayList<>(versionKey);
    unique.add("load_ts");
    List<DataTestDefinition> tests = List.of(
        test("not_null", parentKey, Map.of(), satellite.where()),
        test("relationships", parentKey, Map.of("to", "ref('" + satellite.parent() + "')", "field", parentKey),
            satellite.where()),
        test("unique_combination_of_columns", null, Map.of("combination_of_columns", unique), satellite.where()));
    Map<String, Object> extra = satellite.partitionBy().isEmpty() ? Map.of()
        : Map.of("partition_by", satellite.partitionBy());
    return model(satellite.name(), satellite.where(), sql.toString(), vault.settings().schema(), "incremental",
        List.of("vault", satellite.childKey().isEmpty() ? "satellite" : "multi_active_satellite"), tests,
        (satellite.childKey().isEmpty() ? "Satellite" : "Multi-active satellite (per " + String.join(", ",
            satellite.childKey()) + ")") + " of " + satellite.parent() + ": every version of "
            + String.join(", ", payload) + ".", extra);
  }

  // The rows of `staged` that are new versions: one per (key, load_ts) (the latest read of it),
  // not already in the table, and with a hash diff other than the version before it in time, the
  // table's own versions of the same keys included.
  private static void versions(StringBuilder sql, List<String> versionKey, List<String> columns, String hashdiff) {
    String keys = String.join(", ", versionKey);
    String on = versionKey.stream().map(key -> "t." + key + " = n." + key).collect(Collectors.joining(" AND "));
    String all = String.join(", ", columns);
    // One row per (key, load_ts), its latest read, by aggregation (max_by) rather than a window sort.
    List<String> grouped = new ArrayList<>(versionKey);
    grouped.add("load_ts");
    List<String> others = columns.stream().filter(column -> !grouped.contains(column)).toList();
    sql.append("latest_reads AS (\n  SELECT ").append(columns.stream().map(column -> grouped.contains(column) ? column
        : "latest." + column).collect(Collectors.joining(", "))).append("\n  FROM (\n    SELECT ")
        .append(String.join(", ", grouped)).append(", max_by(named_struct(").append(others.stream()
            .map(column -> "'" + column + "', " + column).collect(Collectors.joining(", "))).append("), ")
        .append(LOADED).append(") AS latest\n    FROM staged\n    GROUP BY ").append(String.join(", ", grouped))
        .append("\n  )\n),\n");
    sql.append("{% if is_incremental() %}\n");
    // The stored versions of the keys read now, found through a hash of those keys: a 1% load then
    // never hashes every stored version (1,000,000 readings), and DuckDB skips the files whose
    // bounds hold none of the keys.
    sql.append("stored AS (\n  SELECT t.* FROM {{ this }} t\n  LEFT SEMI JOIN latest_reads n ON ").append(on)
        .append("\n),\n");
    sql.append("new_rows AS (\n  SELECT n.* FROM latest_reads n\n  LEFT ANTI JOIN stored t ON ").append(on)
        .append(" AND t.load_ts = n.load_ts\n),\n");
    sql.append("timeline AS (\n  SELECT ").append(prefixed("t", columns)).append(", false AS is_new\n  FROM stored t"
        + "\n  UNION ALL\n  SELECT ").append(all).append(", true AS is_new FROM new_rows\n),\n");
    sql.append("{% else %}\ntimeline AS (\n  SELECT ").append(all).append(", true AS is_new FROM latest_reads\n),\n");
    sql.append("{% endif %}\n");
    sql.append("ordered AS (\n  SELECT *, lag(").append(hashdiff).append(") OVER (PARTITION BY ").append(keys)
        .append(" ORDER BY load_ts) AS previous_hashdiff\n  FROM timeline\n)\n");
    sql.append("SELECT ").append(all).append("\nFROM ordered\nWHERE is_new AND (previous_hashdiff IS NULL OR"
        + " previous_hashdiff <> ").append(hashdiff).append(")\n");
  }

  private ProvidedModel statusSatellite(StatusSatellite sts) {
    Stage stage = stages.get(sts.from());
    String key = parentKey(sts.parent());
    List<String> columns = List.of(key, "status", "load_ts", "record_source", LOADED);
    StringBuilder sql = new StringBuilder("-- status satellite ").append(sts.name()).append(" of ")
        .append(sts.parent()).append(", declared at ").append(sts.where()).append('\n');
    String status = stage.deletedWhen().isPresent() ? "CASE WHEN is_deleted THEN 'D' ELSE 'I' END" : "'I'";
    sql.append("WITH seen AS (\n  SELECT ").append(key).append(", ").append(status)
        .append(" AS status, load_ts, record_source, ").append(stage.ingestedAt()).append(" AS ").append(LOADED)
        .append("\n  FROM ").append(ref(stage.name())).append("\n  WHERE ").append(key).append(" IS NOT NULL")
        .append(stage.fullLoad() ? "" : sinceLastLoad(stage)).append("\n),\n");
    if (stage.fullLoad()) {
      // A full load holds every current key: a key whose latest status is present but is missing
      // now was deleted, at this load.
      sql.append("{% if is_incremental() %}\ncurrent_status AS (\n  SELECT * FROM (\n    SELECT *, row_number() OVER"
          + " (PARTITION BY ").append(key).append(" ORDER BY load_ts DESC) AS recency\n    FROM {{ this }}\n  )"
          + " WHERE recency = 1 AND status = 'I'\n),\n");
      sql.append("disappeared AS (\n  SELECT c.").append(key).append(", 'D' AS status, current_timestamp() AS load_ts,"
          + " ").append(literal(stage.recordSource())).append(" AS record_source, current_timestamp() AS ")
          .append(LOADED).append("\n  FROM current_status c\n  LEFT ANTI JOIN seen s ON s.").append(key)
          .append(" = c.").append(key).append("\n),\nstaged AS (\n  SELECT * FROM seen\n  UNION ALL\n  SELECT * FROM"
              + " disappeared\n),\n{% else %}\nstaged AS (SELECT * FROM seen),\n{% endif %}\n");
    } else {
      sql.append("staged AS (SELECT * FROM seen),\n");
    }
    versions(sql, List.of(key), columns, "status");
    List<String> unique = List.of(key, "load_ts");
    List<DataTestDefinition> tests = List.of(test("not_null", key, Map.of(), sts.where()),
        test("accepted_values", "status", Map.of("values", List.of("I", "D")), sts.where()),
        test("unique_combination_of_columns", null, Map.of("combination_of_columns", unique), sts.where()));
    return model(sts.name(), sts.where(), sql.toString(), vault.settings().schema(), "incremental",
        List.of("vault", "status_satellite"), tests, "Status of " + sts.parent() + "'s keys: I while present, D"
            + " from the load that deleted it.");
  }

  private ProvidedModel effectivitySatellite(EffectivitySatellite eff) {
    Stage stage = stages.get(eff.from());
    Link link = links.get(eff.link());
    String linkKey = link.key();
    String driving = link.hubs().get(eff.drivingHub());
    StringBuilder sql = new StringBuilder("-- effectivity satellite ").append(eff.name()).append(" of ")
        .append(link.name()).append(" driven by ").append(eff.drivingHub()).append(", declared at ")
        .append(eff.where()).append('\n');
    sql.append("WITH staged AS (\n  SELECT ").append(linkKey).append(", ").append(driving)
        .append(", load_ts, record_source, ").append(stage.ingestedAt()).append(" AS ").append(LOADED)
        .append("\n  FROM ").append(ref(stage.name())).append("\n  WHERE ").append(linkKey).append(" IS NOT NULL AND ")
        .append(driving).append(" IS NOT NULL").append(notDeleted(stage)).append(sinceLastLoad(stage)).append("\n),\n");
    sql.append("events AS (\n  SELECT * FROM (\n    SELECT *, row_number() OVER (PARTITION BY ").append(driving)
        .append(", load_ts ORDER BY ").append(LOADED).append(" DESC, ").append(linkKey)
        .append(") AS read_order\n    FROM staged\n  ) WHERE read_order = 1\n),\n");
    sql.append("{% if is_incremental() %}\n");
    // Only the driving keys with new events: the others' spans cannot change, and numbering every
    // key's rows cost a 1% load most of its time (100,000 assets: 1.2 s of 1.6 s).
    sql.append("open_spans AS (\n  SELECT * FROM (\n    SELECT *, row_number() OVER (PARTITION BY ").append(driving)
        .append(" ORDER BY load_ts DESC, end_ts DESC) AS recency\n    FROM {{ this }}\n    WHERE ").append(driving)
        .append(" IN (SELECT ").append(driving).append(" FROM events)\n  ) WHERE recency = 1 AND end_ts = ")
        .append(END_OF_TIME).append("\n),\n");
    sql.append("timeline AS (\n  SELECT ").append(linkKey).append(", ").append(driving).append(", start_ts AS load_ts,"
        + " start_ts, record_source, ").append(LOADED).append(", false AS is_new FROM open_spans\n  UNION ALL\n"
            + "  SELECT e.").append(linkKey).append(", e.").append(driving).append(", e.load_ts, e.load_ts AS start_ts,"
                + " e.record_source, e.").append(LOADED).append(", true AS is_new\n  FROM events e\n  LEFT ANTI JOIN"
                    + " open_spans o ON o.").append(driving).append(" = e.").append(driving)
        .append(" AND e.load_ts <= o.start_ts\n),\n");
    sql.append("{% else %}\ntimeline AS (\n  SELECT ").append(linkKey).append(", ").append(driving)
        .append(", load_ts, load_ts AS start_ts, record_source, ").append(LOADED)
        .append(", true AS is_new FROM events\n),\n{% endif %}\n");
    sql.append("changes AS (\n  SELECT * FROM (\n    SELECT *, lag(").append(linkKey).append(") OVER (PARTITION BY ")
        .append(driving).append(" ORDER BY load_ts) AS previous_link\n    FROM timeline\n  ) WHERE previous_link IS NULL"
            + " OR previous_link <> ").append(linkKey).append("\n),\n");
    sql.append("spans AS (\n  SELECT *, lag(").append(linkKey).append(") OVER (PARTITION BY ").append(driving)
        .append(" ORDER BY load_ts) AS closed_link, lag(start_ts) OVER (PARTITION BY ").append(driving)
        .append(" ORDER BY load_ts) AS closed_start\n  FROM changes\n)\n");
    // Each new span opens a row and, when it follows another, closes that one: both rows from one
    // pass over spans (a UNION ALL of two SELECTs from it computed every step above twice).
    sql.append("SELECT CASE WHEN side = 'opened' THEN ").append(linkKey).append(" ELSE closed_link END AS ")
        .append(linkKey).append(", ").append(driving).append(",\n  CASE WHEN side = 'opened' THEN start_ts ELSE"
            + " closed_start END AS start_ts,\n  CASE WHEN side = 'opened' THEN ").append(END_OF_TIME)
        .append(" ELSE load_ts END AS end_ts, load_ts, record_source, ").append(LOADED)
        .append("\nFROM spans CROSS JOIN (VALUES ('opened'), ('closed')) AS sides(side)\nWHERE is_new AND (side ="
            + " 'opened' OR closed_link IS NOT NULL)\n");
    List<DataTestDefinition> tests = List.of(test("not_null", linkKey, Map.of(), eff.where()),
        test("relationships", linkKey, Map.of("to", "ref('" + link.name() + "')", "field", linkKey), eff.where()),
        test("unique_combination_of_columns", null, Map.of("combination_of_columns",
            List.of(linkKey, "load_ts", "end_ts")), eff.where()));
    return model(eff.name(), eff.where(), sql.toString(), vault.settings().schema(), "incremental",
        List.of("vault", "effectivity_satellite"), tests, "Which " + link.name() + " row each "
            + eff.drivingHub() + " key is in: start_ts to end_ts (" + END_OF_TIME + " while in effect).");
  }

  private ProvidedModel reference(Reference reference) {
    StringBuilder sql = new StringBuilder("-- reference table ").append(reference.name()).append(", declared at ")
        .append(reference.where()).append('\n');
    List<String> key = reference.key();
    if (reference.from().isPresent()) {
      List<String> columns = concat(key, reference.columns());
      sql.append("SELECT DISTINCT ").append(String.join(", ", columns)).append("\nFROM ")
          .append(relation(reference.from().get())).append("\nWHERE ").append(key.stream().map(k -> k + " IS NOT NULL")
              .collect(Collectors.joining(" AND "))).append('\n');
    } else {
      List<String> columns = new ArrayList<>(reference.rows().get(0).keySet());
      sql.append("SELECT * FROM VALUES\n");
      for (int i = 0; i < reference.rows().size(); i++) {
        Map<String, String> row = reference.rows().get(i);
        sql.append(i == 0 ? "  (" : ",\n  (").append(columns.stream().map(column -> row.get(column) == null
            ? "CAST(NULL AS STRING)" : literal(row.get(column))).collect(Collectors.joining(", "))).append(')');
      }
      sql.append("\nAS ").append(reference.name()).append('(').append(String.join(", ", columns)).append(")\n");
      if (key.isEmpty()) {
        key = List.of(columns.get(0));
      }
    }
    List<DataTestDefinition> tests = key.size() == 1
        ? keyTests(key.get(0), reference.where())
        : List.of(test("unique_combination_of_columns", null, Map.of("combination_of_columns", key),
            reference.where()));
    return model(reference.name(), reference.where(), sql.toString(), vault.settings().schema(), "table",
        List.of("vault", "reference"), tests, "Reference table of " + String.join(", ", key) + ".");
  }

  private ProvidedModel pit(Pit pit) {
    Hub hub = hubs.get(pit.hub());
    String key = hub.key();
    StringBuilder sql = new StringBuilder("-- point-in-time table ").append(pit.name()).append(" of ")
        .append(hub.name()).append(", declared at ").append(pit.where()).append('\n');
    sql.append("WITH as_of AS (\n");
    for (int i = 0; i < pit.satellites().size(); i++) {
      sql.append(i == 0 ? "  " : "  UNION\n  ").append("SELECT ").append(key).append(", load_ts AS as_of_ts FROM ")
          .append(ref(pit.satellites().get(i))).append('\n');
    }
    sql.append(")");
    for (String name : pit.satellites()) {
      sql.append(",\n").append(name).append("_as_of AS (\n  SELECT a.").append(key).append(", a.as_of_ts, max(s.load_ts)"
          + " AS ").append(name).append("_load_ts\n  FROM as_of a LEFT JOIN ").append(ref(name)).append(" s ON s.")
          .append(key).append(" = a.").append(key).append(" AND s.load_ts <= a.as_of_ts\n  GROUP BY a.").append(key)
          .append(", a.as_of_ts\n)");
    }
    sql.append("\nSELECT a.").append(key).append(", a.as_of_ts");
    pit.satellites().forEach(name -> sql.append(", ").append(name).append("_as_of.").append(name).append("_load_ts"));
    sql.append("\nFROM as_of a\n");
    pit.satellites().forEach(name -> sql.append("LEFT JOIN ").append(name).append("_as_of USING (").append(key)
        .append(", as_of_ts)\n"));
    List<DataTestDefinition> tests = List.of(test("not_null", key, Map.of(), pit.where()),
        test("unique_combination_of_columns", null, Map.of("combination_of_columns", List.of(key, "as_of_ts")),
            pit.where()));
    return model(pit.name(), pit.where(), sql.toString(), vault.settings().schema(), "table", List.of("vault", "pit"),
        tests, "Point-in-time table of " + hub.name() + ": per key and load time, the load_ts of each satellite's"
            + " version then.");
  }

  private ProvidedModel bridge(Bridge bridge) {
    Hub hub = hubs.get(bridge.hub());
    StringBuilder sql = new StringBuilder("-- bridge ").append(bridge.name()).append(" from ").append(hub.name())
        .append(", declared at ").append(bridge.where()).append('\n');
    List<String> selected = new ArrayList<>(List.of("h." + hub.key()));
    StringBuilder joins = new StringBuilder("FROM ").append(ref(hub.name())).append(" h\n");
    String atHub = hub.name();
    String atColumn = "h." + hub.key();
    for (int i = 0; i < bridge.links().size(); i++) {
      Link link = links.get(bridge.links().get(i));
      String alias = "l" + (i + 1);
      joins.append("JOIN ").append(ref(link.name())).append(' ').append(alias).append(" ON ").append(alias).append('.')
          .append(link.hubs().get(atHub)).append(" = ").append(atColumn).append('\n');
      selected.add(alias + "." + link.key());
      String from = atHub;
      String next = link.hubs().keySet().stream().filter(name -> !name.equals(from)).findFirst().orElseThrow();
      selected.add(alias + "." + link.hubs().get(next));
      atHub = next;
      atColumn = alias + "." + link.hubs().get(next);
    }
    sql.append("SELECT DISTINCT ").append(String.join(", ", selected)).append('\n').append(joins);
    List<DataTestDefinition> tests = List.of(test("not_null", hub.key(), Map.of(), bridge.where()));
    return model(bridge.name(), bridge.where(), sql.toString(), vault.settings().schema(), "table",
        List.of("vault", "bridge"), tests, "Bridge from " + hub.name() + " along " + String.join(", ",
            bridge.links()) + ".");
  }

  private String parentKey(String parent) {
    Hub hub = hubs.get(parent);
    return hub != null ? hub.key() : links.get(parent).key();
  }

  // The ghost record: an all-zero key standing for "unknown" in joins, when the settings ask for one.
  private Optional<String> ghost(List<String> keys, List<String> others) {
    if (!vault.settings().ghostRecords()) {
      return Optional.empty();
    }
    String zeros = literal("0".repeat(vault.settings().hash().hexLength()));
    List<String> values = new ArrayList<>();
    keys.forEach(key -> values.add(zeros + " AS " + key));
    others.forEach(column -> values.add("NULL AS " + column));
    values.add(BEGINNING + " AS load_ts");
    values.add("'SYSTEM' AS record_source");
    values.add(BEGINNING + " AS " + LOADED);
    return Optional.of("SELECT " + String.join(", ", values));
  }

  private static String notDeleted(Stage stage) {
    return stage.deletedWhen().isPresent() ? " AND NOT is_deleted" : "";
  }

  // Only rows ingested after those the table's last load read: an ingest commits a batch's rows with
  // one _ingested_at before any load reads them (one writer per project), so the rows of that instant
  // were all seen; the anti-joins make a row read twice harmless anyway. The stage's own watermark
  // (its largest _ingested_at when the table was last published), found on every load so that the
  // first publishes it; the table's largest _ingested_at only where none is published yet: a hub
  // keeps a key's first sighting, so that one stops moving for a stage whose rows add no new keys
  // (the readings that feed hub_asset). Rendered only then: a query less per stage and run, and a
  // run's SQL holds one timestamp per stage.
  private static String sinceLastLoad(Stage stage) {
    return "{% set floe_since = watermark('" + stage.name() + "', '" + stage.ingestedAt() + "') %}"
        + "\n  {% if is_incremental() %}AND " + stage.ingestedAt() + " > {% if floe_since != 'NULL' %}{{ floe_since }}"
        + "{% else %}coalesce({{ max_of(this, '" + LOADED + "') }}, " + BEGINNING + "){% endif %}{% endif %}";
  }

  private static String relation(String from) {
    int dot = from.indexOf('.');
    if (dot < 0) {
      return ref(from);
    }
    return "{{ source('" + from.substring(0, dot) + "', '" + from.substring(dot + 1) + "') }}";
  }

  private static String ref(String model) {
    return "{{ ref('" + model + "') }}";
  }

  private static String prefixed(String alias, List<String> columns) {
    return columns.stream().map(column -> alias + "." + column).collect(Collectors.joining(", "));
  }

  static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static List<DataTestDefinition> keyTests(String key, String where) {
    return List.of(test("not_null", key, Map.of(), where), test("unique", key, Map.of(), where));
  }

  private static DataTestDefinition test(String kind, String column, Map<String, Object> arguments, String where) {
    return new DataTestDefinition(kind, Optional.ofNullable(column), arguments, Severity.ERROR, where);
  }

  private static ProvidedModel model(String name, String where, String sql, String schema, String materialized,
      List<String> tags, List<DataTestDefinition> tests, String description) {
    return model(name, where, sql, schema, materialized, tags, tests, description, Map.of());
  }

  private static ProvidedModel model(String name, String where, String sql, String schema, String materialized,
      List<String> tags, List<DataTestDefinition> tests, String description, Map<String, Object> extra) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("materialized", materialized);
    config.put("schema", schema);
    if (materialized.equals("incremental")) {
      config.put("incremental_strategy", "append");
    }
    config.put("tags", tags);
    config.putAll(extra);
    ModelProperties properties = new ModelProperties(name, description, Map.of(), List.of(), tests, where);
    return new ProvidedModel(name, where, sql, config, Optional.of(properties));
  }
}
