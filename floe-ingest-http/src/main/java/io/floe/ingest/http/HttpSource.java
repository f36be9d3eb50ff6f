package io.floe.ingest.http;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Batch;
import io.floe.ingest.spi.BatchStream;
import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.ReadOptions;
import io.floe.ingest.spi.RowInput;
import io.floe.ingest.spi.RowStream;
import io.floe.ingest.spi.Source;
import io.floe.ingest.spi.SourceColumn;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/JSON API read as a stream of batches: for each time window (if any), for each item (if
 * any), the pages of one request series. A batch is up to {@code batch.max-pages} pages; it is
 * committed with the position of the page after it (window, item, page state, the largest cursor
 * value), so a run killed in the middle of paging resumes at the first page not committed and
 * neither loses nor repeats a record the API serves the same way twice.
 *
 * <p>A source without windows reads everything again on each run (a new "run" of the position);
 * with {@code incremental.cursor-field} it sends the largest value committed, less the look-back,
 * as {@code {{ incremental.start }}}. A source with windows continues from where the last run's
 * windows ended, less the look-back.
 */
final class HttpSource implements Source {
  private static final Logger LOG = LoggerFactory.getLogger(HttpSource.class);

  private final String name;
  private final HttpRequests requests;
  private final HttpRecords records;
  private final Paginator paginator;
  private final HttpItems items;
  private final HttpWindows windows;
  private final Incremental incremental;
  private final int maxPagesPerSeries;
  private final int batchPages;
  private final int batchRecords;
  private final int concurrency;

  /** {@code incremental.*}: the cursor column, its first value, and the look-back. */
  record Incremental(String cursorField, String initial, Duration lookBack) {}

  HttpSource(String name, HttpRequests requests, HttpRecords records, Paginator paginator, HttpItems items,
      HttpWindows windows, Incremental incremental, int maxPagesPerSeries, int batchPages, int batchRecords,
      int concurrency) {
    this.name = requireNonNull(name, "name is null");
    this.requests = requireNonNull(requests, "requests is null");
    this.records = requireNonNull(records, "records is null");
    this.paginator = requireNonNull(paginator, "paginator is null");
    this.items = requireNonNull(items, "items is null");
    this.windows = windows;
    this.incremental = requireNonNull(incremental, "incremental is null");
    this.maxPagesPerSeries = maxPagesPerSeries;
    this.batchPages = batchPages;
    this.batchRecords = batchRecords;
    this.concurrency = concurrency;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Batch> plan(Position committed) {
    throw new UnsupportedOperationException("An HTTP source learns its pages while reading: use open()");
  }

  @Override
  public BatchStream open(Position committed, ReadOptions options) {
    return new Pages(committed, options);
  }

  @Override
  public String describe(Position position) {
    if (position.isStart()) {
      return "not loaded yet";
    }
    HttpPosition at = HttpPosition.parse(position, name);
    StringBuilder text = new StringBuilder(String.format("%,d records", at.records()));
    if (at.complete()) {
      text.append(", run ").append(at.run()).append(" complete");
      if (at.window() != null) {
        text.append(", windows up to ").append(at.window());
      }
    } else {
      text.append(", run ").append(at.run()).append(" stopped at");
      if (at.window() != null) {
        text.append(" window ").append(at.window());
      }
      if (at.item() != null) {
        text.append(" item ").append(at.item());
      }
      text.append(at.page() == null ? " (first page)" : " page " + at.page());
    }
    if (at.cursor() != null) {
      text.append(", ").append(incremental.cursorField()).append(" up to ").append(at.cursor());
    }
    return text.toString();
  }

  /** This run's batches, built one at a time as the engine asks. */
  private final class Pages implements BatchStream {
    private final ReadOptions options;
    private final List<HttpItems.Item> itemList;
    private final ExecutorService pool;
    private final ExecutorService ahead = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "floe-http-ahead-" + name);
      thread.setDaemon(true);
      return thread;
    });
    private Future<Optional<Batch>> pending;
    private long run;
    private String until;
    private String window;
    private int itemIndex;
    private Map<String, String> page;
    private int seriesPages;
    private String cursor;
    private String from;
    private long total;
    private boolean done;

    Pages(Position committed, ReadOptions options) {
      this.options = options;
      this.itemList = items.load(options.warehouse(), name);
      this.pool = concurrency > 1 && itemList.size() > 1 ? Executors.newFixedThreadPool(concurrency, runnable -> {
        Thread thread = new Thread(runnable, "floe-http-" + name);
        thread.setDaemon(true);
        return thread;
      }) : null;
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      if (committed.isStart()) {
        newRun(1, windows == null ? null : windows.start(), null, 0, now);
      } else {
        HttpPosition at = HttpPosition.parse(committed, name);
        if (at.complete()) {
          String resume = at.window() == null ? null
              : Instant.parse(at.window()).minus(incremental.lookBack()).toString();
          newRun(at.run() + 1, resume, at.cursor(), at.records(), now);
        } else {
          run = at.run();
          until = at.until();
          window = at.window();
          cursor = at.cursor();
          from = at.from();
          total = at.records();
          itemIndex = itemList.isEmpty() ? 0 : HttpItems.indexOf(itemList, at.item());
          boolean sameItem = at.item() == null || (itemIndex < itemList.size()
              && itemList.get(itemIndex).key().equals(at.item()));
          page = sameItem ? at.page() : null;
          done = itemList.isEmpty() || (window != null && !Instant.parse(window).isBefore(Instant.parse(until)));
        }
      }
    }

    private void newRun(long number, String windowStart, String lastCursor, long records, Instant now) {
      run = number;
      cursor = lastCursor;
      total = records;
      from = incremental.cursorField() == null ? incremental.initial()
          : lastCursor == null ? incremental.initial() : lookBack(lastCursor);
      itemIndex = 0;
      page = null;
      if (windows != null) {
        window = windowStart;
        until = windows.end().orElse(now).toString();
        done = !Instant.parse(window).isBefore(Instant.parse(until)) || itemList.isEmpty();
      } else {
        done = itemList.isEmpty();
      }
    }

    private String lookBack(String value) {
      try {
        Instant instant = Durations.instant(value);
        return (windows == null ? instant.minus(incremental.lookBack()).toString()
            : windows.format(instant.minus(incremental.lookBack())));
      } catch (IllegalArgumentException notTime) {
        return value;
      }
    }

    @Override
    public Optional<Batch> next() {
      Optional<Batch> batch = pending != null ? await(pending) : build();
      // The next batch is fetched while the engine writes this one: reading changes nothing, so a
      // batch fetched ahead and never committed (a failed write, a kill) is simply read again.
      pending = batch.isPresent() && !done ? ahead.submit(this::build) : null;
      return batch;
    }

    private Optional<Batch> build() {
      if (done || options.stopping()) {
        return Optional.empty();
      }
      HttpPosition start = position();
      List<HttpRecords.Found> found = new ArrayList<>();
      long bytes = 0;
      int pages = 0;
      String firstSeries = series();
      if (pool != null && page == null) {
        // Whole series of the next items at once, in item order; the batch ends at an item boundary.
        List<Future<HttpRequests.Series>> futures = new ArrayList<>();
        int count = Math.min(concurrency, itemList.size() - itemIndex);
        for (int i = 0; i < count; i++) {
          HttpItems.Item item = itemList.get(itemIndex + i);
          Map<String, String> variables = variables(item);
          futures.add(pool.submit(() -> requests.series(paginator, records, variables, item, maxPagesPerSeries)));
        }
        for (Future<HttpRequests.Series> future : futures) {
          HttpRequests.Series series = await(future);
          found.addAll(series.found());
          bytes += series.bytes();
          pages += series.pages();
        }
        for (int i = 0; i < count; i++) {
          nextSeries();
        }
      } else {
        while (!done && pages < batchPages && found.size() < batchRecords) {
          HttpItems.Item item = itemList.get(itemIndex);
          Map<String, String> state = page == null ? paginator.first() : page;
          HttpRequests.Page fetched = requests.page(paginator, records, variables(item), item, state);
          found.addAll(fetched.found());
          bytes += fetched.bytes();
          pages++;
          seriesPages++;
          if (fetched.next() == null) {
            nextSeries();
          } else if (maxPagesPerSeries > 0 && seriesPages >= maxPagesPerSeries) {
            LOG.warn("Source {}: stopped {} after paginate.max-pages = {} pages", name, series(), maxPagesPerSeries);
            nextSeries();
          } else {
            page = fetched.next();
          }
        }
      }
      HttpRecords.Result result = records.convert(found);
      updateCursor(result);
      total += result.rows().size();
      HttpPosition after = position();
      String id = name + "-" + UUID.nameUUIDFromBytes(start.toPosition().value().getBytes(StandardCharsets.UTF_8))
          .toString().substring(0, 8);
      String description = String.format("%,d records in %d pages from %s", found.size(), pages, firstSeries);
      return Optional.of(new Batch(id, new FetchedRows(result), after.toPosition(), bytes, description));
    }

    private <T> T await(Future<T> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw FloeException.cancelled("Source '%s': interrupted while reading", name);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw FloeException.external(e.getCause(), "Source '%s': %s", name, e.getCause().getMessage());
      }
    }

    private void nextSeries() {
      page = null;
      seriesPages = 0;
      itemIndex++;
      if (itemIndex < itemList.size()) {
        return;
      }
      itemIndex = 0;
      if (windows == null) {
        done = true;
        return;
      }
      Instant next = Instant.parse(window).plus(windows.size());
      Instant end = Instant.parse(until);
      window = (next.isAfter(end) ? end : next).toString();
      done = !Instant.parse(window).isBefore(end);
    }

    private HttpPosition position() {
      String item = done || itemList.isEmpty() || (itemIndex == 0 && page == null) ? null
          : itemList.get(itemIndex).key();
      return new HttpPosition(run, done, until, window, item, done ? null : page, cursor, from, total);
    }

    private String series() {
      StringBuilder text = new StringBuilder();
      if (window != null) {
        Instant startOf = Instant.parse(window);
        text.append("window ").append(startOf).append("..").append(windowEnd(startOf));
      }
      if (!itemList.isEmpty() && itemList.get(itemIndex).key().length() > 0) {
        text.append(text.length() > 0 ? " " : "").append("item ").append(itemList.get(itemIndex).key());
      }
      return text.length() == 0 ? "the API" : text.toString();
    }

    private Instant windowEnd(Instant startOf) {
      Instant next = startOf.plus(windows.size());
      Instant end = Instant.parse(until);
      return next.isAfter(end) ? end : next;
    }

    private Map<String, String> variables(HttpItems.Item item) {
      Map<String, String> variables = new LinkedHashMap<>();
      if (window != null) {
        Instant startOf = Instant.parse(window);
        variables.putAll(windows.variables(startOf, windowEnd(startOf)));
      }
      if (from != null) {
        variables.put("incremental.start", from);
      }
      item.values().forEach((key, value) -> variables.put("item." + key, value == null ? "" : value.toString()));
      return variables;
    }

    private void updateCursor(HttpRecords.Result result) {
      if (incremental.cursorField() == null) {
        return;
      }
      int index = -1;
      for (int i = 0; i < result.columns().size(); i++) {
        if (result.columns().get(i).name().equals(incremental.cursorField())) {
          index = i;
        }
      }
      if (index < 0) {
        return;
      }
      for (Object[] row : result.rows()) {
        Object value = row[index];
        if (value != null && (cursor == null || compare(value, cursor) > 0)) {
          cursor = value.toString();
        }
      }
    }

    @Override
    public void close() {
      ahead.shutdownNow();
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  // A typed cursor value against the committed one, read back as the same type.
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object value, String committed) {
    if (value instanceof Instant instant) {
      return instant.compareTo(Durations.instant(committed));
    }
    if (value instanceof Number number) {
      return new BigDecimal(number.toString()).compareTo(new BigDecimal(committed));
    }
    if (value instanceof LocalDate date) {
      return date.compareTo(LocalDate.parse(committed));
    }
    if (value instanceof LocalDateTime time) {
      return time.compareTo(LocalDateTime.parse(committed));
    }
    return value.toString().compareTo(committed);
  }

  /** A batch's rows, fetched already: the engine reads them, once per attempt. */
  private static final class FetchedRows implements RowInput {
    private final HttpRecords.Result result;

    FetchedRows(HttpRecords.Result result) {
      this.result = result;
    }

    @Override
    public List<SourceColumn> columns() {
      return result.columns();
    }

    @Override
    public RowStream open() {
      return RowStream.of(result.rows().iterator(), result.rejected());
    }
  }
}
