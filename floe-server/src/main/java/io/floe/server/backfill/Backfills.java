package io.floe.server.backfill;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import io.floe.core.error.FloeException;
import io.floe.server.http.Exchange;
import io.floe.server.state.StateFiles;
import io.floe.server.run.RunQueue;
import io.floe.server.run.RunRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backfills: a model selection re-run for a range of dates, one run per interval, each run given
 * the interval as variables ({@code start_date} and {@code end_date} unless named otherwise), as a
 * dbt user would loop {@code dbt build --vars}. Its intervals run one after another, each queued
 * when the one before it ends, so scheduled runs are not held up behind a long backfill and a
 * cancel stops the rest. Each interval's outcome is kept in
 * {@code .floe/backfills.json}: a retry re-runs only the intervals that failed, and intervals a
 * stopped or killed server had not finished are queued again when it starts.
 */
public final class Backfills {
  private static final Logger LOG = LoggerFactory.getLogger(Backfills.class);
  static final String STATE_FILE = "backfills.json";
  /** More intervals than this is a typo in a date, not a backfill. */
  static final int MAX_INTERVALS = 1000;

  /** The length of one run's interval. */
  public enum Interval {
    HOUR, DAY, WEEK, MONTH
  }

  /** An interval's state: queued, running, then success, failed or cancelled. */
  public static final class Slot {
    @JsonProperty public String start;
    @JsonProperty public String end;
    @JsonProperty public String status = "queued";
    @JsonProperty public String runId = "";
    @JsonProperty public int attempts;
    @JsonProperty public String message = "";
  }

  /** One backfill as stored and as the API shows it. */
  @com.fasterxml.jackson.annotation.JsonIgnoreProperties(value = "counts", allowGetters = true)
  public static final class Backfill {
    @JsonProperty public long id;
    @JsonProperty public List<String> select = List.of();
    @JsonProperty public String start;
    @JsonProperty public String end;
    @JsonProperty public String interval;
    @JsonProperty public String startVar;
    @JsonProperty public String endVar;
    @JsonProperty public boolean fullRefresh;
    @JsonProperty public String createdAt;
    @JsonProperty public List<Slot> intervals = new ArrayList<>();

    /** Intervals by status, e.g. {@code {success=5, failed=1}}. */
    @JsonProperty("counts")
    public Map<String, Integer> counts() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      intervals.forEach(slot -> counts.merge(slot.status, 1, Integer::sum));
      return counts;
    }
  }

  /** What a backfill is asked to do. */
  public record Request(List<String> select, String start, String end, Interval interval, String startVar,
      String endVar, boolean fullRefresh) {
    public Request {
      select = List.copyOf(select);
      requireNonNull(start, "start is null");
      requireNonNull(end, "end is null");
      requireNonNull(interval, "interval is null");
      requireNonNull(startVar, "startVar is null");
      requireNonNull(endVar, "endVar is null");
    }
  }

  private final Path stateFile;
  private final RunQueue queue;
  private final List<Backfill> backfills;
  // The backfills with an interval in the run queue now: at most one each.
  private final java.util.Set<Long> inQueue = new java.util.HashSet<>();

  public Backfills(Path stateDir, RunQueue queue) {
    this.stateFile = stateDir.resolve(STATE_FILE);
    this.queue = requireNonNull(queue, "queue is null");
    this.backfills = read(stateFile);
  }

  /** Queues again the intervals a stopped or killed server had not finished. */
  public synchronized void start() {
    for (Backfill backfill : backfills) {
      List<Slot> unfinished = backfill.intervals.stream()
          .filter(slot -> slot.status.equals("queued") || slot.status.equals("running")).toList();
      if (!unfinished.isEmpty()) {
        LOG.info("Backfill {}: {} intervals had not finished when the server stopped; queued again", backfill.id,
            unfinished.size());
        unfinished.forEach(slot -> slot.status = "queued");
        pump(backfill);
      }
    }
    write();
  }

  /**
   * Starts a backfill: one queued run per interval from {@code start} up to (not including) {@code end}.
   *
   * @throws FloeException (user) for a bad range or selection, before anything is queued
   */
  public synchronized Backfill create(Request request) {
    List<String[]> ranges = intervals(request);
    Backfill backfill = new Backfill();
    backfill.id = backfills.stream().mapToLong(b -> b.id).max().orElse(0) + 1;
    backfill.select = request.select();
    backfill.start = request.start();
    backfill.end = request.end();
    backfill.interval = request.interval().name().toLowerCase(Locale.ROOT);
    backfill.startVar = request.startVar();
    backfill.endVar = request.endVar();
    backfill.fullRefresh = request.fullRefresh();
    backfill.createdAt = Instant.now().toString();
    for (String[] range : ranges) {
      Slot slot = new Slot();
      slot.start = range[0];
      slot.end = range[1];
      backfill.intervals.add(slot);
    }
    // The first interval's run checks the selection before anything is stored or queued.
    queue.check(runRequest(backfill, backfill.intervals.get(0)));
    backfills.add(backfill);
    pump(backfill);
    write();
    LOG.info("Backfill {}: {} {} intervals of {} from {} to {}", backfill.id, ranges.size(), backfill.interval,
        backfill.select, backfill.start, backfill.end);
    return backfill;
  }

  /**
   * Re-runs the intervals of backfill {@code id} that failed or were cancelled; the ones that
   * succeeded are not run again.
   *
   * @return the number of intervals queued again
   */
  public synchronized int retry(long id) {
    Backfill backfill = get(id);
    List<Slot> failed = backfill.intervals.stream()
        .filter(slot -> slot.status.equals("failed") || slot.status.equals("cancelled")).toList();
    if (failed.isEmpty()) {
      throw FloeException.conflict("Backfill %d has no failed interval to retry (%s).", id, backfill.counts());
    }
    failed.forEach(slot -> {
      slot.status = "queued";
      slot.message = "";
    });
    pump(backfill);
    write();
    return failed.size();
  }

  /**
   * Cancels backfill {@code id}: its queued intervals are not run, and its running one is
   * cancelled. A retry runs them later.
   *
   * @return the number of intervals cancelled, the running one included
   */
  public synchronized int cancel(long id) {
    Backfill backfill = get(id);
    int cancelled = 0;
    for (Slot slot : backfill.intervals) {
      if (slot.status.equals("queued")) {
        slot.status = "cancelled";
        slot.message = "cancelled before it ran";
        cancelled++;
      } else if (slot.status.equals("running") && queue.cancel(slot.runId)) {
        cancelled++;
      }
    }
    write();
    return cancelled;
  }

  /** Every backfill, newest first. */
  public synchronized List<Backfill> all() {
    List<Backfill> newestFirst = new ArrayList<>(backfills);
    java.util.Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** Backfill {@code id}. */
  public synchronized Backfill get(long id) {
    return backfills.stream().filter(b -> b.id == id).findFirst()
        .orElseThrow(() -> new Exchange.NotFound("No backfill " + id + "."));
  }

  // Queues the backfill's next queued interval unless one of its intervals is in the queue already.
  private void pump(Backfill backfill) {
    while (!inQueue.contains(backfill.id)) {
      Optional<Slot> next = backfill.intervals.stream().filter(slot -> slot.status.equals("queued")).findFirst();
      if (next.isEmpty()) {
        return;
      }
      Slot slot = next.get();
      RunQueue.Submission submission;
      if (!queue.accepting()) {
        return;
      }
      try {
        submission = queue.submit(runRequest(backfill, slot));
      } catch (RuntimeException e) {
        // The project changed under the backfill (a model removed, say): the interval fails; a retry re-runs it.
        slot.status = "failed";
        slot.message = String.valueOf(e.getMessage());
        continue;
      }
      inQueue.add(backfill.id);
      submission.started().thenAccept(runId -> update(() -> {
        slot.status = "running";
        slot.runId = runId;
        slot.attempts++;
      }));
      submission.finished().thenAccept(outcome -> update(() -> {
        if (!outcome.succeeded() && !queue.accepting()) {
          // The server is stopping: the interval runs again when it starts.
          slot.status = "queued";
        } else {
          slot.status = outcome.succeeded() ? "success" : outcome.cancelled() ? "cancelled" : "failed";
        }
        slot.runId = outcome.runId().isEmpty() ? slot.runId : outcome.runId();
        slot.message = outcome.message();
        inQueue.remove(backfill.id);
        pump(backfill);
      }));
    }
  }

  private synchronized void update(Runnable change) {
    change.run();
    write();
  }

  private static RunRequest runRequest(Backfill backfill, Slot slot) {
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put(backfill.startVar, slot.start);
    vars.put(backfill.endVar, slot.end);
    return new RunRequest(RunRequest.Kind.BUILD, backfill.select, List.of(), false, backfill.fullRefresh,
        Optional.empty(), Optional.empty(), vars, Optional.of(backfill.id));
  }

  /** The intervals {@code [start, end)} of a request, as the text their variables take. */
  static List<String[]> intervals(Request request) {
    List<String[]> ranges = new ArrayList<>();
    if (request.interval() == Interval.HOUR) {
      LocalDateTime start = dateTime(request.start(), "start");
      LocalDateTime end = dateTime(request.end(), "end");
      checkOrder(start.isBefore(end), request);
      for (LocalDateTime time = start; time.isBefore(end); time = time.plusHours(1)) {
        ranges.add(new String[] {time.toString(), min(time.plusHours(1), end).toString()});
        checkCount(ranges);
      }
      return ranges;
    }
    LocalDate start = date(request.start(), "start");
    LocalDate end = date(request.end(), "end");
    checkOrder(start.isBefore(end), request);
    LocalDate time = start;
    while (time.isBefore(end)) {
      LocalDate next = switch (request.interval()) {
        case DAY -> time.plusDays(1);
        case WEEK -> time.plusWeeks(1);
        default -> time.with(TemporalAdjusters.firstDayOfNextMonth());
      };
      ranges.add(new String[] {time.toString(), (next.isAfter(end) ? end : next).toString()});
      checkCount(ranges);
      time = next;
    }
    return ranges;
  }

  private static LocalDateTime min(LocalDateTime a, LocalDateTime b) {
    return a.isBefore(b) ? a : b;
  }

  private static void checkOrder(boolean ordered, Request request) {
    if (!ordered) {
      throw FloeException.user("Cannot backfill from %s to %s: the start must be before the end (the end is not "
          + "included).", request.start(), request.end());
    }
  }

  private static void checkCount(List<String[]> ranges) {
    if (ranges.size() > MAX_INTERVALS) {
      throw FloeException.user("Cannot backfill more than %d intervals in one backfill. Choose a longer interval "
          + "or a shorter range.", MAX_INTERVALS);
    }
  }

  private static LocalDate date(String text, String field) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw FloeException.user("Cannot read the backfill's %s '%s': expected a date such as 2026-01-31.", field,
          text);
    }
  }

  private static LocalDateTime dateTime(String text, String field) {
    try {
      return text.length() == 10 ? LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw FloeException.user("Cannot read the backfill's %s '%s': expected a time such as 2026-01-31T06:00.",
          field, text);
    }
  }

  private static List<Backfill> read(Path file) {
    if (!Files.exists(file)) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(Exchange.JSON.readValue(file.toFile(), new TypeReference<List<Backfill>>() { }));
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read the backfills' state %s: %s. Move it away to start afresh (the "
          + "backfills it lists are then forgotten).", file, e.getMessage());
    }
  }

  private void write() {
    StateFiles.write(stateFile, backfills, "the backfills' state");
  }
}
