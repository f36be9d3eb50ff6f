package io.floe.core.schedule;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigParser;
import io.floe.core.config.ConfigType;
import io.floe.core.config.DurationText;
import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code schedules:} of floe.yaml, checked: each names when it runs (a cron expression in a
 * time zone) and what (sources to ingest, a model selection to build), with retries, a timeout,
 * catch-up and a pause switch. The long-lived process that fires them is {@code floe serve}; every
 * command checks them, so a typo fails early with its file and line.
 */
public final class Schedules {
  static final ConfigField TRIGGER = new ConfigField("trigger", ConfigType.ENUM, "cron",
      "What fires it: cron (the times its cron expression names) or new-data (one of its sources has data it has "
          + "not loaded, checked every poll-interval).", List.of("cron", "new-data"), false);
  static final ConfigField CRON = new ConfigField("cron", ConfigType.STRING, null,
      "When it runs: a cron expression, minute hour day-of-month month day-of-week, e.g. '5 * * * *'. Required "
          + "with trigger: cron.", List.of(), false);
  static final ConfigField POLL_INTERVAL = new ConfigField("poll-interval", ConfigType.STRING, "1m",
      "With trigger: new-data, how often its sources are asked whether they have new data.", List.of(), false);
  static final ConfigField TIME_ZONE = new ConfigField("time-zone", ConfigType.STRING, "UTC",
      "The time zone the cron expression is read in, e.g. Australia/Brisbane.", List.of(), false);
  static final ConfigField SOURCES = new ConfigField("sources", ConfigType.STRING_LIST, null,
      "Sources to ingest, by name.", List.of(), false);
  static final ConfigField SELECT = new ConfigField("select", ConfigType.STRING_LIST, null,
      "Models to build, as floe build --select takes them (names, tag:x, +upstream ...).", List.of(), false);
  static final ConfigField RETRIES = new ConfigField("retries", ConfigType.INT, 0,
      "Retries of a failed run.", List.of(), false);
  static final ConfigField RETRY_BACKOFF = new ConfigField("retry-backoff", ConfigType.STRING, "1m",
      "The wait before the first retry; it doubles each time.", List.of(), false);
  static final ConfigField TIMEOUT = new ConfigField("timeout", ConfigType.STRING, "1h",
      "A run still going after this long is cancelled.", List.of(), false);
  static final ConfigField CATCH_UP = new ConfigField("catch-up", ConfigType.ENUM, "latest",
      "Runs missed while stopped: none, the latest one, or all of them.", List.of("none", "latest", "all"), false);
  static final ConfigField PAUSED = new ConfigField("paused", ConfigType.BOOLEAN, false,
      "A paused schedule does not fire.", List.of(), false);

  static final ConfigField MAINTAIN = new ConfigField("maintain", ConfigType.BOOLEAN, false,
      "After its sources and models (if any), maintain every table of the project's namespaces by its maintenance:"
          + " policy, as floe maintain does.", List.of(), false);

  static final List<ConfigField> ALL = List.of(TRIGGER, CRON, POLL_INTERVAL, TIME_ZONE, SOURCES, SELECT, RETRIES, RETRY_BACKOFF, TIMEOUT,
      CATCH_UP, PAUSED, MAINTAIN);

  // One cron field: *, a number, a range, a list, with an optional step; names of months and days too.
  private static final Pattern CRON_FIELD = Pattern.compile(
      "(\\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/\\d+)?(,(\\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/\\d+)?)*");

  /**
   * One schedule.
   *
   * @param cron the cron expression; empty for a {@link Trigger#NEW_DATA} schedule
   * @param maintain whether the run maintains the project's tables after its sources and models
   */
  public record Schedule(String name, Trigger trigger, String cron, Duration pollInterval, ZoneId timeZone,
      List<String> sources, List<String> select, int retries, Duration retryBackoff, Duration timeout,
      CatchUp catchUp, boolean paused, boolean maintain) {
    public Schedule {
      requireNonNull(name, "name is null");
      requireNonNull(trigger, "trigger is null");
      requireNonNull(cron, "cron is null");
      requireNonNull(pollInterval, "pollInterval is null");
      requireNonNull(timeZone, "timeZone is null");
      requireNonNull(retryBackoff, "retryBackoff is null");
      requireNonNull(timeout, "timeout is null");
      requireNonNull(catchUp, "catchUp is null");
      sources = List.copyOf(sources);
      select = List.copyOf(select);
    }
  }

  /** What fires a schedule. */
  public enum Trigger {
    /** The times its cron expression names. */
    CRON,
    /** One of its sources has data it has not loaded (an event trigger). */
    NEW_DATA
  }

  /** What a schedule does about the runs it missed while no server ran. */
  public enum CatchUp {
    /** Nothing: the next run is the next time the cron expression names. */
    NONE,
    /** One run at start, standing for all that were missed. */
    LATEST,
    /** One run per missed time, oldest first. */
    ALL
  }

  private Schedules() {}

  /** The settings of a schedule, for the configuration reference. */
  public static List<ConfigField> settings() {
    return ALL;
  }

  /** The reference, as a Markdown section. */
  public static String referenceMarkdown() {
    return "\n## Schedules\n\nEach entry of `schedules:` is a schedule by name, fired by `floe serve`; keys are "
        + "relative to it.\n\n" + io.floe.core.config.SettingsReference.markdown(ALL);
  }

  /**
   * Reads and checks the schedules of a floe.yaml.
   *
   * @throws FloeException a user error with file:line for an unknown key or a bad value
   */
  public static List<Schedule> load(Path configFile) {
    String yaml = io.floe.core.project.Project.configText(configFile);
    Map<String, ConfigDocument> documents = ConfigParser.parseEntries(configFile, yaml, "schedules",
        (name, entry) -> ALL);
    List<Schedule> schedules = new ArrayList<>();
    documents.forEach((name, document) -> schedules.add(read(name, document)));
    return schedules;
  }

  private static Schedule read(String name, ConfigDocument document) {
    Trigger trigger = Trigger.valueOf(document.string(TRIGGER).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    String cron = "";
    if (trigger == Trigger.CRON) {
      cron = document.require(CRON, "'0 * * * *'").strip();
      String[] fields = cron.split("\\s+");
      if (fields.length != 5 || !java.util.Arrays.stream(fields).allMatch(f -> CRON_FIELD.matcher(f).matches())) {
        throw document.invalid(CRON,
            "five cron fields (minute hour day-of-month month day-of-week), e.g. '10 * * * *'");
      }
    } else if (document.entry(CRON).isPresent()) {
      throw document.invalid(CRON, "no cron expression with trigger: new-data (it runs when its sources have new "
          + "data); remove cron, or set trigger: cron");
    } else if (document.stringList(SOURCES).isEmpty()) {
      throw FloeException.user("%s: Schedule '%s' has trigger: new-data but no sources to watch. Add sources: "
          + "[NAME, ...].", document.location(TRIGGER), name);
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(document.string(TIME_ZONE));
    } catch (DateTimeException e) {
      throw document.invalid(TIME_ZONE, "a time zone such as UTC or Europe/Berlin");
    }
    if (document.stringList(SOURCES).isEmpty() && document.stringList(SELECT).isEmpty() && !document.bool(MAINTAIN)) {
      throw FloeException.user("%s: Schedule '%s' runs nothing. Add sources: [NAME, ...], select: [MODELS] or "
          + "maintain: true.", document.location(CRON), name);
    }
    if (document.integer(RETRIES) < 0) {
      throw document.invalid(RETRIES, "0 or more");
    }
    return new Schedule(name, trigger, cron, duration(document, POLL_INTERVAL), zone, document.stringList(SOURCES), document.stringList(SELECT),
        document.integer(RETRIES), duration(document, RETRY_BACKOFF), duration(document, TIMEOUT),
        CatchUp.valueOf(document.string(CATCH_UP).toUpperCase(java.util.Locale.ROOT)), document.bool(PAUSED),
        document.bool(MAINTAIN));
  }

  private static Duration duration(ConfigDocument document, ConfigField field) {
    try {
      Duration duration = DurationText.parse(document.string(field));
      if (duration.isNegative() || duration.isZero()) {
        throw document.invalid(field, "a duration above zero, like 30s, 15m or 2h");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw document.invalid(field, e.getMessage());
    }
  }
}
