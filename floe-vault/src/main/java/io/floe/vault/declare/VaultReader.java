package io.floe.vault.declare;

import io.floe.core.config.YamlFile;
import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import io.floe.vault.declare.VaultDeclaration.Bridge;
import io.floe.vault.declare.VaultDeclaration.EffectivitySatellite;
import io.floe.vault.declare.VaultDeclaration.Hub;
import io.floe.vault.declare.VaultDeclaration.Link;
import io.floe.vault.declare.VaultDeclaration.Pit;
import io.floe.vault.declare.VaultDeclaration.Reference;
import io.floe.vault.declare.VaultDeclaration.Satellite;
import io.floe.vault.declare.VaultDeclaration.Settings;
import io.floe.vault.declare.VaultDeclaration.Stage;
import io.floe.vault.declare.VaultDeclaration.StatusSatellite;
import io.floe.vault.hash.HashAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code vault/*.yml} (and {@code .yaml}) of a project into a checked {@link VaultDeclaration}.
 * Every problem is an error naming the file and line: an unknown key, a hub a link names but
 * nobody declares, a satellite without a parent, a stage that lacks the hash key an entity loads.
 */
public final class VaultReader {
  private static final List<String> SECTIONS = List.of("settings", "stages", "hubs", "links", "satellites",
      "effectivity_satellites", "status_satellites", "reference_tables", "pits", "bridges");
  private static final List<String> SETTINGS = List.of("hash", "schema", "staging_schema", "ghost_records");
  private static final List<String> STAGE = List.of("name", "from", "record_source", "load_ts", "ingested_at",
      "derived", "hash_keys", "hash_diffs", "deleted_when", "full_load");
  private static final List<String> HUB = List.of("name", "key", "business_keys", "from");
  private static final List<String> LINK = List.of("name", "key", "hubs", "payload", "from");
  private static final List<String> SATELLITE = List.of("name", "parent", "payload", "child_key", "hashdiff",
      "from", "partition_by");
  private static final List<String> EFFECTIVITY = List.of("name", "link", "driving_key", "from");
  private static final List<String> STATUS = List.of("name", "parent", "from");
  private static final List<String> REFERENCE = List.of("name", "key", "rows", "from", "columns");
  private static final List<String> PIT = List.of("name", "hub", "satellites");
  private static final List<String> BRIDGE = List.of("name", "hub", "links");

  private Settings settings = Settings.DEFAULT;
  private String settingsWhere;
  private final List<Stage> stages = new ArrayList<>();
  private final List<Hub> hubs = new ArrayList<>();
  private final List<Link> links = new ArrayList<>();
  private final List<Satellite> satellites = new ArrayList<>();
  private final List<EffectivitySatellite> effectivity = new ArrayList<>();
  private final List<StatusSatellite> status = new ArrayList<>();
  private final List<Reference> references = new ArrayList<>();
  private final List<Pit> pits = new ArrayList<>();
  private final List<Bridge> bridges = new ArrayList<>();
  private final Map<String, String> names = new LinkedHashMap<>();

  private VaultReader() {}

  /** The vault of the project at {@code root}; empty when it has no {@code vault/} folder. */
  public static VaultDeclaration read(Path root) {
    VaultReader reader = new VaultReader();
    for (Path file : files(root.resolve("vault"))) {
      reader.readFile(YamlFile.read(file, root.relativize(file)), root.relativize(file).toString());
    }
    return reader.check();
  }

  private void readFile(YamlFile yaml, String file) {
    if (yaml.root().isEmpty()) {
      return;
    }
    Node root = yaml.root().get();
    if (!(root instanceof MappingNode mapping)) {
      throw FloeException.user("%s: Cannot read the vault: expected sections such as 'hubs:' at the top level, but was"
          + " %s.", file, YamlFile.describe(root));
    }
    for (NodeTuple tuple : mapping.getValue()) {
      String section = yaml.keyName(tuple.getKeyNode(), "");
      Node value = tuple.getValueNode();
      String at = file + ":" + (tuple.getKeyNode().getStartMark().map(mark -> mark.getLine() + 1).orElse(0));
      if (!SECTIONS.contains(section)) {
        throw FloeException.user("%s: Cannot read the vault: unknown section '%s'.%s Expected one of %s.", at, section,
            DidYouMean.hint(section, SECTIONS), SECTIONS);
      }
      if (section.equals("settings")) {
        if (!(value instanceof MappingNode settingsNode)) {
          throw FloeException.user("%s: Cannot read the vault: 'settings' must be a mapping, such as {hash: md5}.", at);
        }
        readSettings(new YamlEntry(file, "settings", settingsNode, SETTINGS), at);
        continue;
      }
      if (!(value instanceof SequenceNode sequence)) {
        if (value instanceof ScalarNode scalar && scalar.getValue().isEmpty()) {
          continue;
        }
        throw FloeException.user("%s: Cannot read the vault: '%s' must be a list of entries, each starting with"
            + " '- name: ...'.", at, section);
      }
      for (Node item : sequence.getValue()) {
        if (!(item instanceof MappingNode entry)) {
          throw FloeException.user("%s:%d: Cannot read the vault: each entry of '%s' must be a mapping with a name.",
              file, item.getStartMark().map(mark -> mark.getLine() + 1).orElse(0), section);
        }
        readEntry(section, file, entry);
      }
    }
  }

  private void readSettings(YamlEntry entry, String at) {
    if (settingsWhere != null) {
      throw entry.error("settings are given twice (first at %s). Keep one settings: section", settingsWhere);
    }
    settingsWhere = at;
    HashAlgorithm hash = entry.string("hash").map(name -> HashAlgorithm.named(name, entry.whereKey("hash")))
        .orElse(Settings.DEFAULT.hash());
    settings = new Settings(hash, entry.string("schema").orElse(Settings.DEFAULT.schema()),
        entry.string("staging_schema").orElse(Settings.DEFAULT.stagingSchema()),
        entry.bool("ghost_records", Settings.DEFAULT.ghostRecords()));
  }

  private void readEntry(String section, String file, MappingNode node) {
    switch (section) {
      case "stages" -> {
        YamlEntry e = new YamlEntry(file, "a stage", node, STAGE);
        String from = e.requiredString("from");
        Stage stage = new Stage(named(e), from, e.string("record_source").orElse(from),
            e.string("load_ts").orElse("_ingested_at"), e.string("ingested_at").orElse("_ingested_at"),
            e.stringMap("derived"), e.listMap("hash_keys"), e.listMap("hash_diffs"), e.string("deleted_when"),
            e.bool("full_load", false), e.where());
        if (stage.hashKeys().isEmpty()) {
          throw e.error("stage %s needs 'hash_keys:', such as {customer_hk: [installation_id]}", stage.name());
        }
        stages.add(stage);
      }
      case "hubs" -> {
        YamlEntry e = new YamlEntry(file, "a hub", node, HUB);
        hubs.add(new Hub(named(e), required(e, e.string("key")), e.names("business_keys"), e.names("from"),
            e.where()));
      }
      case "links" -> {
        YamlEntry e = new YamlEntry(file, "a link", node, LINK);
        links.add(new Link(named(e), required(e, e.string("key")), linkHubs(e), e.names("payload"), e.names("from"),
            e.where()));
      }
      case "satellites" -> {
        YamlEntry e = new YamlEntry(file, "a satellite", node, SATELLITE);
        String name = named(e);
        if (!e.has("parent")) {
          throw e.error("satellite %s has no parent: add 'parent:' naming its hub or link", name);
        }
        if (e.names("payload").isEmpty()) {
          throw e.error("satellite %s needs 'payload:', the descriptive columns it keeps versions of", name);
        }
        satellites.add(new Satellite(name, e.requiredString("parent"), e.names("payload"), e.names("child_key"),
            e.string("hashdiff").orElse("hashdiff"), e.requiredString("from"), e.texts("partition_by"), e.where()));
      }
      case "effectivity_satellites" -> {
        YamlEntry e = new YamlEntry(file, "an effectivity satellite", node, EFFECTIVITY);
        effectivity.add(new EffectivitySatellite(named(e), e.requiredString("link"), e.requiredString("driving_key"),
            e.requiredString("from"), e.where()));
      }
      case "status_satellites" -> {
        YamlEntry e = new YamlEntry(file, "a status satellite", node, STATUS);
        String name = named(e);
        if (!e.has("parent")) {
          throw e.error("status satellite %s has no parent: add 'parent:' naming its hub or link", name);
        }
        status.add(new StatusSatellite(name, e.requiredString("parent"), e.requiredString("from"), e.where()));
      }
      case "reference_tables" -> {
        YamlEntry e = new YamlEntry(file, "a reference table", node, REFERENCE);
        String name = named(e);
        if (e.has("rows") == e.has("from")) {
          throw e.error("reference table %s needs either 'rows:' (the codes, written here) or 'from:' (a relation)",
              name);
        }
        references.add(new Reference(name, e.names("key"), e.rows("rows"), e.string("from"), e.names("columns"),
            e.where()));
      }
      case "pits" -> {
        YamlEntry e = new YamlEntry(file, "a PIT table", node, PIT);
        pits.add(new Pit(named(e), e.requiredString("hub"), e.names("satellites"), e.where()));
      }
      case "bridges" -> {
        YamlEntry e = new YamlEntry(file, "a bridge", node, BRIDGE);
        bridges.add(new Bridge(named(e), e.requiredString("hub"), e.names("links"), e.where()));
      }
      default -> throw new IllegalStateException("unhandled section " + section);
    }
  }

  private String named(YamlEntry entry) {
    String name = entry.name();
    String previous = names.putIfAbsent(name, entry.where());
    if (previous != null) {
      throw entry.error("'%s' is declared twice (first at %s). Rename one", name, previous);
    }
    return name;
  }

  private static String required(YamlEntry entry, Optional<String> value) {
    return value.orElseThrow(() -> entry.error("'key:' is missing: name the hash key column, such as customer_hk"));
  }

  // hubs: [hub_a, hub_b] (each hub's own key column) or {hub_a: a_hk, hub_b: other_a_hk}.
  private static Map<String, String> linkHubs(YamlEntry entry) {
    Map<String, String> hubs = new LinkedHashMap<>();
    if (entry.isMapping("hubs")) {
      hubs.putAll(entry.stringMap("hubs"));
    } else {
      entry.names("hubs").forEach(hub -> hubs.put(hub, ""));
    }
    if (hubs.size() < 2) {
      throw entry.errorAt("hubs", "a link joins two or more hubs, but 'hubs:' names %d", hubs.size());
    }
    return hubs;
  }

  private VaultDeclaration check() {
    Map<String, Stage> stageByName = index(stages, Stage::name);
    Map<String, Hub> hubByName = index(hubs, Hub::name);
    Map<String, Link> linkByName = index(links, Link::name);
    List<Hub> checkedHubs = new ArrayList<>();
    for (Hub hub : hubs) {
      List<String> from = hub.from().isEmpty() ? stages.stream().filter(s -> s.hashKeys().containsKey(hub.key()))
          .map(Stage::name).toList() : hub.from();
      if (from.isEmpty()) {
        throw error(hub.where(), "no stage computes hub %s's key %s: add it under a stage's hash_keys", hub.name(),
            hub.key());
      }
      List<String> businessKeys = hub.businessKeys();
      for (String stageName : from) {
        Stage stage = stage(stageByName, stageName, hub.where(), "hub " + hub.name());
        List<String> columns = stage.hashKeys().get(hub.key());
        if (columns == null) {
          throw error(hub.where(), "stage %s (%s) has no hash key %s for hub %s. Its hash keys: %s", stage.name(),
              stage.where(), hub.key(), hub.name(), stage.hashKeys().keySet());
        }
        if (businessKeys.isEmpty()) {
          businessKeys = columns;
        }
      }
      checkedHubs.add(new Hub(hub.name(), hub.key(), businessKeys, from, hub.where()));
    }
    List<Link> checkedLinks = new ArrayList<>();
    for (Link link : links) {
      Map<String, String> hubKeys = new LinkedHashMap<>();
      for (Map.Entry<String, String> entry : link.hubs().entrySet()) {
        Hub hub = hubByName.get(entry.getKey());
        if (hub == null) {
          throw error(link.where(), "link %s names hub '%s', which is not declared.%s Declare it under 'hubs:'",
              link.name(), entry.getKey(), DidYouMean.hint(entry.getKey(), hubByName.keySet()));
        }
        hubKeys.put(hub.name(), entry.getValue().isEmpty() ? hub.key() : entry.getValue());
      }
      List<String> from = link.from().isEmpty() ? stages.stream().filter(s -> s.hashKeys().containsKey(link.key()))
          .map(Stage::name).toList() : link.from();
      if (from.isEmpty()) {
        throw error(link.where(), "no stage computes link %s's key %s: add it under a stage's hash_keys", link.name(),
            link.key());
      }
      for (String stageName : from) {
        Stage stage = stage(stageByName, stageName, link.where(), "link " + link.name());
        for (String key : concat(List.of(link.key()), hubKeys.values())) {
          if (!stage.hashKeys().containsKey(key)) {
            throw error(link.where(), "stage %s (%s) has no hash key %s for link %s. Its hash keys: %s", stage.name(),
                stage.where(), key, link.name(), stage.hashKeys().keySet());
          }
        }
      }
      checkedLinks.add(new Link(link.name(), link.key(), hubKeys, link.payload(), from, link.where()));
    }
    Map<String, String> parentKeys = new LinkedHashMap<>();
    checkedHubs.forEach(hub -> parentKeys.put(hub.name(), hub.key()));
    checkedLinks.forEach(link -> parentKeys.put(link.name(), link.key()));
    for (Satellite satellite : satellites) {
      parentKey(parentKeys, satellite.parent(), satellite.where(), "satellite " + satellite.name());
      needsKey(stage(stageByName, satellite.from(), satellite.where(), "satellite " + satellite.name()),
          parentKeys.get(satellite.parent()), satellite.where(), satellite.name());
    }
    for (StatusSatellite sts : status) {
      parentKey(parentKeys, sts.parent(), sts.where(), "status satellite " + sts.name());
      Stage stage = stage(stageByName, sts.from(), sts.where(), "status satellite " + sts.name());
      needsKey(stage, parentKeys.get(sts.parent()), sts.where(), sts.name());
      if (stage.deletedWhen().isEmpty() && !stage.fullLoad()) {
        throw error(sts.where(), "status satellite %s cannot see deletes in stage %s: give the stage 'deleted_when:'"
            + " (a change log) or 'full_load: true' (it always holds every current row)", sts.name(), stage.name());
      }
    }
    for (EffectivitySatellite eff : effectivity) {
      Link link = checkedLinks.stream().filter(l -> l.name().equals(eff.link())).findFirst().orElseThrow(() ->
          error(eff.where(), "effectivity satellite %s names link '%s', which is not declared.%s", eff.name(),
              eff.link(), DidYouMean.hint(eff.link(), linkByName.keySet())));
      if (!link.hubs().containsKey(eff.drivingHub())) {
        throw error(eff.where(), "effectivity satellite %s: driving_key must be one of link %s's hubs %s, but was '%s'",
            eff.name(), link.name(), link.hubs().keySet(), eff.drivingHub());
      }
      needsKey(stage(stageByName, eff.from(), eff.where(), "effectivity satellite " + eff.name()), link.key(),
          eff.where(), eff.name());
    }
    Map<String, Satellite> satelliteByName = index(satellites, Satellite::name);
    for (Pit pit : pits) {
      if (!hubByName.containsKey(pit.hub())) {
        throw error(pit.where(), "PIT %s names hub '%s', which is not declared.%s", pit.name(), pit.hub(),
            DidYouMean.hint(pit.hub(), hubByName.keySet()));
      }
      if (pit.satellites().isEmpty()) {
        throw error(pit.where(), "PIT %s needs 'satellites:', the hub's satellites it lines up", pit.name());
      }
      for (String name : pit.satellites()) {
        Satellite satellite = satelliteByName.get(name);
        if (satellite == null || !satellite.parent().equals(pit.hub())) {
          throw error(pit.where(), "PIT %s: '%s' is not a satellite of hub %s.%s", pit.name(), name, pit.hub(),
              DidYouMean.hint(name, satelliteByName.keySet()));
        }
      }
    }
    for (Bridge bridge : bridges) {
      if (!hubByName.containsKey(bridge.hub())) {
        throw error(bridge.where(), "bridge %s names hub '%s', which is not declared.%s", bridge.name(), bridge.hub(),
            DidYouMean.hint(bridge.hub(), hubByName.keySet()));
      }
      String at = bridge.hub();
      for (String name : bridge.links()) {
        Link link = checkedLinks.stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow(() ->
            error(bridge.where(), "bridge %s names link '%s', which is not declared.%s", bridge.name(), name,
                DidYouMean.hint(name, linkByName.keySet())));
        if (!link.hubs().containsKey(at)) {
          throw error(bridge.where(), "bridge %s: link %s does not join hub %s, where the path stands (its hubs: %s)",
              bridge.name(), name, at, link.hubs().keySet());
        }
        String from = at;
        at = link.hubs().keySet().stream().filter(hub -> !hub.equals(from)).findFirst().orElse(at);
      }
      if (bridge.links().isEmpty()) {
        throw error(bridge.where(), "bridge %s needs 'links:', the path of links from hub %s", bridge.name(),
            bridge.hub());
      }
    }
    return new VaultDeclaration(settings, List.copyOf(stages), List.copyOf(checkedHubs), List.copyOf(checkedLinks),
        List.copyOf(satellites), List.copyOf(effectivity), List.copyOf(status), List.copyOf(references),
        List.copyOf(pits), List.copyOf(bridges));
  }

  private static void parentKey(Map<String, String> parentKeys, String parent, String where, String what) {
    if (!parentKeys.containsKey(parent)) {
      throw error(where, "%s has parent '%s', which is no declared hub or link.%s", what, parent,
          DidYouMean.hint(parent, parentKeys.keySet()));
    }
  }

  private static void needsKey(Stage stage, String key, String where, String entity) {
    if (!stage.hashKeys().containsKey(key)) {
      throw error(where, "stage %s (%s) has no hash key %s for %s. Its hash keys: %s", stage.name(), stage.where(),
          key, entity, stage.hashKeys().keySet());
    }
  }

  private static Stage stage(Map<String, Stage> stages, String name, String where, String what) {
    Stage stage = stages.get(name);
    if (stage == null) {
      throw error(where, "%s loads from stage '%s', which is not declared.%s Declare it under 'stages:'", what, name,
          DidYouMean.hint(name, stages.keySet()));
    }
    return stage;
  }

  private static List<String> concat(List<String> first, java.util.Collection<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> name) {
    Map<String, T> map = new LinkedHashMap<>();
    items.forEach(item -> map.put(name.apply(item), item));
    return map;
  }

  private static FloeException error(String where, String format, Object... args) {
    return FloeException.user("%s: Cannot read the vault: %s", where, YamlEntry.sentence(String.format(format, args)));
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isRegularFile)
          .filter(file -> file.toString().endsWith(".yml") || file.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }
}
