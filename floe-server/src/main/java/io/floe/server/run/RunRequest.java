package io.floe.server.run;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run does, as the API or a schedule asks for it.
 *
 * @param kind {@code build}, {@code run}, {@code test} or {@code ingest}, as the CLI's commands
 * @param select model selectors ({@code build}, {@code run}, {@code test}); empty for all
 * @param sources sources to load ({@code ingest}, and a schedule's loads before its models); empty for all
 * @param ingest whether a {@code build} loads the sources its selection reads first
 * @param fullRefresh rebuild every selected model from scratch
 * @param schedule the schedule that fired it, if any
 * @param timeout cancel the run when it is still going after this long
 * @param vars variables over floe.yaml's {@code vars:} for this run (as {@code --vars})
 * @param backfill the backfill this run is an interval of, if any
 */
public record RunRequest(Kind kind, List<String> select, List<String> sources, boolean ingest, boolean fullRefresh,
    Optional<String> schedule, Optional<Duration> timeout, Map<String, Object> vars, Optional<Long> backfill) {
  /** The commands a server runs. */
  public enum Kind {
    BUILD, RUN, TEST, INGEST
  }

  public RunRequest {
    requireNonNull(kind, "kind is null");
    select = List.copyOf(select);
    sources = List.copyOf(sources);
    requireNonNull(schedule, "schedule is null");
    requireNonNull(timeout, "timeout is null");
    vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
    requireNonNull(backfill, "backfill is null");
  }

  /** A run with no variables of its own that is no backfill's. */
  public RunRequest(Kind kind, List<String> select, List<String> sources, boolean ingest, boolean fullRefresh,
      Optional<String> schedule, Optional<Duration> timeout) {
    this(kind, select, sources, ingest, fullRefresh, schedule, timeout, Map.of(), Optional.empty());
  }

  /**
   * The run's command as the run history shows it, as the CLI would have been called, e.g.
   * {@code build -s orders+}; a schedule's runs start with {@code schedule NAME:}.
   */
  public String command() {
    List<String> words = new ArrayList<>();
    if (schedule.isPresent()) {
      // A schedule loads its sources, then builds its selection on the tables as they are.
      words.add("schedule " + schedule.get() + ":");
      if (!sources.isEmpty()) {
        words.add("ingest");
        words.addAll(sources);
      }
      if (!select.isEmpty()) {
        words.add(sources.isEmpty() ? "build" : "then build");
        words.add("--no-ingest");
        words.add("-s");
        words.add(String.join(",", select));
      }
      return String.join(" ", words);
    }
    backfill.ifPresent(id -> words.add("backfill " + id + ":"));
    words.add(kind.name().toLowerCase(java.util.Locale.ROOT));
    if (kind == Kind.INGEST) {
      words.addAll(sources);
    } else {
      if (kind == Kind.BUILD && !ingest) {
        words.add("--no-ingest");
      }
      if (!select.isEmpty()) {
        words.add("-s");
        words.add(String.join(",", select));
      }
      if (fullRefresh) {
        words.add("--full-refresh");
      }
      if (!vars.isEmpty()) {
        words.add("--vars");
        words.add(vars.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
            .collect(java.util.stream.Collectors.joining(", ", "'{", "}'")));
      }
    }
    return String.join(" ", words);
  }
}
