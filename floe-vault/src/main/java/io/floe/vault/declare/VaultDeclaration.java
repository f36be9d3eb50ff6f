package io.floe.vault.declare;

import io.floe.vault.hash.HashAlgorithm;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A project's Data Vault as declared in {@code vault/*.yml}: checked (every reference resolves),
 * not yet SQL. Each {@code where} is the file and line of the entity, for messages.
 */
public record VaultDeclaration(
    Settings settings,
    List<Stage> stages,
    List<Hub> hubs,
    List<Link> links,
    List<Satellite> satellites,
    List<EffectivitySatellite> effectivitySatellites,
    List<StatusSatellite> statusSatellites,
    List<Reference> references,
    List<Pit> pits,
    List<Bridge> bridges) {

  /**
   * Vault-wide settings ({@code settings:} in one vault file).
   *
   * @param schema the namespace of hubs, links, satellites, PITs and bridges
   * @param stagingSchema the namespace of the staging views
   * @param ghostRecords whether hubs, links and satellites hold a ghost record (all-zero key) for
   *     joins that find no match
   */
  public record Settings(HashAlgorithm hash, String schema, String stagingSchema, boolean ghostRecords) {
    public static final Settings DEFAULT = new Settings(HashAlgorithm.MD5, "raw_vault", "staging", false);
  }

  /**
   * A staging view: the rows of one relation with hash keys, hash diffs, derived columns, the
   * record source and the load timestamp added.
   *
   * @param from a relation ({@code bronze.customers}) or a model's name
   * @param loadTs the expression of a row's load timestamp: the source's change time where it has one
   * @param ingestedAt the column that says when a row was ingested (bronze's {@code _ingested_at}):
   *     loads read only rows ingested since their last load
   * @param deletedWhen a condition marking rows that delete their key (a change log's {@code op = 'D'})
   * @param fullLoad whether the relation always holds every current row, so a key missing from it was deleted
   */
  public record Stage(String name, String from, String recordSource, String loadTs, String ingestedAt,
      Map<String, String> derived, Map<String, List<String>> hashKeys, Map<String, List<String>> hashDiffs,
      Optional<String> deletedWhen, boolean fullLoad, String where) {}

  /** A hub: one row per business key, from one or more stages. */
  public record Hub(String name, String key, List<String> businessKeys, List<String> from, String where) {}

  /**
   * A link between two or more hubs; with a payload it is a non-historized (transactional) link.
   *
   * @param hubs each hub's name to the column holding its hash key in the link
   */
  public record Link(String name, String key, Map<String, String> hubs, List<String> payload, List<String> from,
      String where) {}

  /**
   * A satellite of a hub or link: a new row whenever the payload's hash diff changes.
   *
   * @param childKey dependent columns of a multi-active satellite: versions are kept per parent key and child key
   */
  public record Satellite(String name, String parent, List<String> payload, List<String> childKey,
      String hashdiff, String from, List<String> partitionBy, String where) {}

  /** Which link of a driving hub key is in effect, with start and end timestamps. */
  public record EffectivitySatellite(String name, String link, String drivingHub, String from, String where) {}

  /** Whether a hub or link key is present ({@code I}) or deleted ({@code D}), from a change log or a full load. */
  public record StatusSatellite(String name, String parent, String from, String where) {}

  /** A reference table: codes and their descriptions, from rows written in the declaration or a relation. */
  public record Reference(String name, List<String> key, List<Map<String, String>> rows, Optional<String> from,
      List<String> columns, String where) {}

  /** A point-in-time table: per hub key and load time, the load timestamp of each satellite's version then. */
  public record Pit(String name, String hub, List<String> satellites, String where) {}

  /** A bridge: the hash keys along a path of links from a hub, for the current relationships. */
  public record Bridge(String name, String hub, List<String> links, String where) {}

  /** Whether the project declares anything. */
  public boolean isEmpty() {
    return stages.isEmpty() && hubs.isEmpty() && links.isEmpty() && satellites.isEmpty()
        && effectivitySatellites.isEmpty() && statusSatellites.isEmpty() && references.isEmpty() && pits.isEmpty()
        && bridges.isEmpty();
  }
}
