package io.floe.server.schedule;

import static java.util.Objects.requireNonNull;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.error.FloeException;
import io.floe.core.schedule.Schedules.CatchUp;
import io.floe.core.schedule.Schedules.Schedule;
import io.floe.core.schedule.Schedules.Trigger;
import io.floe.core.config.DurationText;
import io.floe.server.http.Exchange;
import io.floe.server.state.StateFiles;
import io.floe.server.run.RunQueue;
import io.floe.server.run.RunRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the project's schedules: each at the times its cron expression names in its time zone, at
 * most one run of it at a time, retried with a doubling backoff, cancelled at its timeout. What it
 * last fired and whether it was paused from the API are kept in {@code .floe/schedules.json}, so
 * a restart catches up on missed times by the schedule's {@code catch-up} and keeps a pause.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  static final String STATE_FILE = "schedules.json";
  /** At most this many missed runs are caught up with {@code catch-up: all}. */
  private static final int MAX_CATCH_UP = 100;
  private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** A schedule as the API shows it; a new-data schedule has no cron and no next runs. */
  public record View(String name, String trigger, String cron, String pollInterval, String timeZone,
      List<String> sources, List<String> select, boolean paused, String catchUp, int retries,
      List<String> nextRuns, boolean running) {}

  /** Asks sources, by name, whether one of them has data it has not loaded (see {@code Source.hasNewData}). */
  @FunctionalInterface
  public interface NewData {
    boolean in(List<String> sources);
  }

  private final Map<String, Schedule> schedules = new LinkedHashMap<>();
  private final Map<String, ExecutionTime> times = new LinkedHashMap<>();
  private final Map<String, ZonedDateTime> nextFire = new ConcurrentHashMap<>();
  private final Map<String, Instant> nextPoll = new ConcurrentHashMap<>();
  private final NewData newData;
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
  private final Path stateFile;
  private final RunQueue queue;
  private final ObjectNode state;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "floe-serve-scheduler");
    thread.setDaemon(true);
    return thread;
  });

  public Scheduler(List<Schedule> schedules, Path stateDir, RunQueue queue, NewData newData) {
    this.queue = requireNonNull(queue, "queue is null");
    this.newData = requireNonNull(newData, "newData is null");
    this.stateFile = stateDir.resolve(STATE_FILE);
    for (Schedule schedule : schedules) {
      this.schedules.put(schedule.name(), schedule);
      if (schedule.trigger() == Trigger.CRON) {
        times.put(schedule.name(), ExecutionTime.forCron(CRON.parse(schedule.cron())));
      }
    }
    this.state = readState(stateFile);
  }

  /** Catches up on what was missed while no server ran, then fires each schedule on time. */
  public void start() {
    Instant now = Instant.now();
    for (Schedule schedule : schedules.values()) {
      if (schedule.trigger() == Trigger.NEW_DATA) {
        // Asked at once: data that arrived while no server ran is its catch-up.
        nextPoll.put(schedule.name(), now);
        continue;
      }
      catchUp(schedule, now);
      nextFire.put(schedule.name(), next(schedule, now.atZone(schedule.timeZone())));
    }
    clock.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  private void catchUp(Schedule schedule, Instant now) {
    JsonNode entry = state.path(schedule.name());
    if (!entry.hasNonNull("last-fired") || paused(schedule)) {
      markFired(schedule.name(), now);
      return;
    }
    ZonedDateTime since = Instant.parse(entry.get("last-fired").asText()).atZone(schedule.timeZone());
    List<ZonedDateTime> missed = new ArrayList<>();
    ZonedDateTime time = next(schedule, since);
    while (time != null && !time.toInstant().isAfter(now) && missed.size() < MAX_CATCH_UP) {
      missed.add(time);
      time = next(schedule, time);
    }
    markFired(schedule.name(), now);
    if (missed.isEmpty() || schedule.catchUp() == CatchUp.NONE) {
      if (!missed.isEmpty()) {
        LOG.info("Schedule {} missed {} runs while stopped; catch-up: none", schedule.name(), missed.size());
      }
      return;
    }
    int runs = schedule.catchUp() == CatchUp.ALL ? missed.size() : 1;
    LOG.info("Schedule {} missed {} runs while stopped (last {}); catch-up: {} -> {} runs", schedule.name(),
        missed.size(), missed.get(missed.size() - 1), schedule.catchUp(), runs);
    for (int i = 0; i < runs; i++) {
      fire(schedule, 0, false);
    }
  }

  private void tick() {
    try {
      Instant now = Instant.now();
      for (Schedule schedule : schedules.values()) {
        if (schedule.trigger() == Trigger.NEW_DATA) {
          poll(schedule, now);
          continue;
        }
        ZonedDateTime due = nextFire.get(schedule.name());
        if (due == null || due.toInstant().isAfter(now)) {
          continue;
        }
        nextFire.put(schedule.name(), next(schedule, now.atZone(schedule.timeZone())));
        markFired(schedule.name(), now);
        if (paused(schedule)) {
          continue;
        }
        if (inFlight.containsKey(schedule.name())) {
          LOG.warn("Schedule {} is due but its last run has not ended: this time is skipped", schedule.name());
          continue;
        }
        fire(schedule, 0, true);
      }
    } catch (RuntimeException e) {
      // The clock must keep going whatever one tick met; the failure is in the log.
      LOG.error("The scheduler's tick failed: {}", e.getMessage(), e);
    }
  }

  // A new-data schedule fires when one of its sources has data it has not loaded, one run at a time.
  private void poll(Schedule schedule, Instant now) {
    Instant due = nextPoll.get(schedule.name());
    if (due == null || due.isAfter(now) || paused(schedule) || inFlight.containsKey(schedule.name())) {
      return;
    }
    nextPoll.put(schedule.name(), now.plus(schedule.pollInterval()));
    boolean fresh;
    try {
      fresh = newData.in(schedule.sources());
    } catch (RuntimeException e) {
      // An unreachable source is asked again at the next poll; the reason is in the log.
      LOG.warn("Schedule {}: cannot tell whether {} have new data: {}", schedule.name(), schedule.sources(),
          e.getMessage());
      return;
    }
    if (fresh) {
      LOG.info("Schedule {}: new data in {}", schedule.name(), schedule.sources());
      markFired(schedule.name(), now);
      fire(schedule, 0, true);
    }
  }

  /** Starts a run of schedule {@code name} now, paused or not. */
  public void trigger(String name) {
    fire(schedule(name), 0, true);
  }

  private void fire(Schedule schedule, int attempt, boolean exclusive) {
    if (exclusive && inFlight.putIfAbsent(schedule.name(), Boolean.TRUE) != null) {
      throw FloeException.conflict("Schedule '%s' has a run that has not ended; it runs one at a time.",
          schedule.name());
    }
    inFlight.put(schedule.name(), Boolean.TRUE);
    RunRequest request = new RunRequest(RunRequest.Kind.BUILD, schedule.select(), schedule.sources(), false, false,
        Optional.of(schedule.name()), Optional.of(schedule.timeout()));
    RunQueue.Submission submission;
    try {
      submission = queue.submit(request);
    } catch (RuntimeException e) {
      inFlight.remove(schedule.name());
      throw e;
    }
    submission.finished().thenAccept(outcome -> {
      if (outcome.succeeded() || attempt >= schedule.retries() || outcome.runId().isEmpty()) {
        inFlight.remove(schedule.name());
        return;
      }
      Duration wait = schedule.retryBackoff().multipliedBy(1L << Math.min(attempt, 20));
      LOG.info("Schedule {}: run {} failed ({}); retry {} of {} in {}", schedule.name(), outcome.runId(),
          outcome.message(), attempt + 1, schedule.retries(), wait);
      clock.schedule(() -> {
        try {
          fire(schedule, attempt + 1, false);
        } catch (RuntimeException e) {
          inFlight.remove(schedule.name());
          LOG.warn("Schedule {}: the retry could not start: {}", schedule.name(), e.getMessage());
        }
      }, wait.toMillis(), TimeUnit.MILLISECONDS);
    });
  }

  /** Pauses or resumes schedule {@code name}; kept across restarts. */
  public synchronized void setPaused(String name, boolean paused) {
    schedule(name);
    entry(name).put("paused", paused);
    writeState();
  }

  /** The schedules, with their next {@code count} times. */
  public List<View> views(int count) {
    List<View> views = new ArrayList<>();
    for (Schedule schedule : schedules.values()) {
      List<String> next = new ArrayList<>();
      ZonedDateTime time = ZonedDateTime.now(schedule.timeZone());
      for (int i = 0; i < count && schedule.trigger() == Trigger.CRON; i++) {
        time = next(schedule, time);
        if (time == null) {
          break;
        }
        next.add(time.toOffsetDateTime().toString());
      }
      views.add(new View(schedule.name(), schedule.trigger().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          schedule.cron(), DurationText.format(schedule.pollInterval()), schedule.timeZone().getId(), schedule.sources(),
          schedule.select(), paused(schedule), schedule.catchUp().name().toLowerCase(java.util.Locale.ROOT),
          schedule.retries(), next, inFlight.containsKey(schedule.name())));
    }
    return views;
  }

  private boolean paused(Schedule schedule) {
    JsonNode entry = state.path(schedule.name());
    return entry.has("paused") ? entry.get("paused").asBoolean() : schedule.paused();
  }

  private Schedule schedule(String name) {
    Schedule schedule = schedules.get(name);
    if (schedule == null) {
      throw new Exchange.NotFound("No schedule '" + name + "'. The schedules are: " + schedules.keySet());
    }
    return schedule;
  }

  private ZonedDateTime next(Schedule schedule, ZonedDateTime after) {
    return times.get(schedule.name()).nextExecution(after).orElse(null);
  }

  private synchronized void markFired(String name, Instant at) {
    entry(name).put("last-fired", at.toString());
    writeState();
  }

  private ObjectNode entry(String name) {
    return state.has(name) ? (ObjectNode) state.get(name) : state.putObject(name);
  }

  private static ObjectNode readState(Path file) {
    if (!Files.exists(file)) {
      return Exchange.JSON.createObjectNode();
    }
    try {
      JsonNode node = Exchange.JSON.readTree(file.toFile());
      return node instanceof ObjectNode object ? object : Exchange.JSON.createObjectNode();
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read the schedules' state %s: %s. Delete it to start afresh (missed runs "
          + "are then not caught up, and pauses set from the API are forgotten).", file, e.getMessage());
    }
  }

  private void writeState() {
    StateFiles.write(stateFile, state, "the schedules' state");
  }

  @Override
  public void close() {
    clock.shutdownNow();
  }
}
