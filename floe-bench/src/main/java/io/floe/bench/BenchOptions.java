package io.floe.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What one bench run does.
 *
 * @param csvRows rows of the e-commerce CSV files, over the four files (benchmarks 1 and 5)
 * @param readings rows of meter_data.readings in PostgreSQL (benchmark 2)
 * @param runs measured runs per figure
 * @param out where the JSON report goes; the data is generated under {@code out/work}
 * @param writeDocs whether to regenerate docs/benchmarks.md
 * @param docs the docs file to regenerate
 * @param quick the tiny, one-run scale CI runs
 * @param only the benchmarks to run ({@link #BENCHMARKS}, {@link #OPT_IN}); all but the opt-in ones when empty
 * @param followMinutes how long cdc_follow_hour follows
 */
record BenchOptions(long csvRows, long readings, int runs, long seed, Path out, boolean writeDocs, Path docs,
    boolean quick, Set<String> only, int followMinutes) {
  /**
   * The names {@code --only} takes: ecommerce_build covers the full build and both reruns, meter_vault
   * the vault's load and its load after 1% changes, audit_cdc the audit events' load and its load
   * after 1% more, http_api a paged JSON API into bronze, maintenance a query over a table of many small
   * commits before and after floe maintain (and the maintenance itself), serve the server's pages and load-table (its
   * run after 1% new rows is part of ecommerce_build, whose cold build is its peer), ecommerce_s3 the
   * build with the warehouse on S3 (S3Proxy) against the same build on the local disk.
   */
  static final List<String> BENCHMARKS = List.of("csv_to_bronze", "postgres_to_bronze", "ecommerce_build",
      "ecommerce_s3", "merge_10pct", "meter_vault", "cdc_changes", "audit_cdc", "http_api", "maintenance", "serve");
  /**
   * Benchmarks that run only when {@code --only} names them: cdc_follow_hour follows a table for
   * {@code --follow-minutes} (60) at 1,000 changes/s with automatic maintenance and counts its files.
   */
  static final List<String> OPT_IN = List.of(CdcBenchmark.FOLLOW_HOUR);
  static final long DEFAULT_CSV_ROWS = 1_000_000;
  static final long DEFAULT_READINGS = 1_000_000;
  static final long QUICK_CSV_ROWS = 4_000;
  static final long QUICK_READINGS = 2_000;

  BenchOptions {
    requireNonNull(out, "out is null");
    requireNonNull(docs, "docs is null");
    only = Set.copyOf(requireNonNull(only, "only is null"));
    for (String name : only) {
      if (!BENCHMARKS.contains(name) && !OPT_IN.contains(name)) {
        throw new IllegalArgumentException("Cannot run benchmark '" + name + "' given to --only: there is no such"
            + " benchmark. Known: " + String.join(", ", BENCHMARKS) + "; and, only when named: "
            + String.join(", ", OPT_IN));
      }
    }
    if (writeDocs && !only.isEmpty()) {
      throw new IllegalArgumentException("Cannot write docs/benchmarks.md from a part of the bench: leave out"
          + " --only, or --write-docs");
    }
    if (followMinutes < 1) {
      throw new IllegalArgumentException("Cannot follow for " + followMinutes + " minutes: give 1 or more");
    }
    if (csvRows < 4 || readings < 1 || runs < 1) {
      throw new IllegalArgumentException("Cannot run the bench with " + csvRows + " CSV rows, " + readings
          + " readings and " + runs + " runs: give at least 4 rows, 1 reading and 1 run");
    }
  }

  /**
   * Parses {@code --rows N --readings N --runs N --seed S --out DIR --write-docs --docs FILE --only NAME[,NAME]
   * --quick}.
   */
  static BenchOptions parse(String... args) {
    long rows = DEFAULT_CSV_ROWS;
    long readings = DEFAULT_READINGS;
    int runs = 3;
    long seed = 42;
    Path out = Path.of("bench-out");
    boolean writeDocs = false;
    Path docs = Path.of("docs/benchmarks.md");
    boolean quick = false;
    boolean rowsGiven = false;
    boolean readingsGiven = false;
    boolean runsGiven = false;
    Set<String> only = Set.of();
    int followMinutes = 60;
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      switch (option) {
        case "--quick" -> quick = true;
        case "--write-docs" -> writeDocs = true;
        case "--rows" -> {
          rows = number(option, value(args, ++i, option));
          rowsGiven = true;
        }
        case "--readings" -> {
          readings = number(option, value(args, ++i, option));
          readingsGiven = true;
        }
        case "--runs" -> {
          runs = (int) number(option, value(args, ++i, option));
          runsGiven = true;
        }
        case "--seed" -> seed = number(option, value(args, ++i, option));
        case "--out" -> out = Path.of(value(args, ++i, option));
        case "--docs" -> docs = Path.of(value(args, ++i, option));
        case "--only" -> only = Set.of(value(args, ++i, option).split(","));
        case "--follow-minutes" -> followMinutes = (int) number(option, value(args, ++i, option));
        default -> throw new IllegalArgumentException("Cannot parse argument '" + option + "': expected --rows N, "
            + "--readings N, --runs N, --seed S, --out DIR, --write-docs, --docs FILE, --only NAME[,NAME],"
            + " --follow-minutes N or --quick");
      }
    }
    if (quick) {
      rows = rowsGiven ? rows : QUICK_CSV_ROWS;
      readings = readingsGiven ? readings : QUICK_READINGS;
      runs = runsGiven ? runs : 1;
    }
    return new BenchOptions(rows, readings, runs, seed, out, writeDocs, docs, quick, only, followMinutes);
  }

  /** Whether {@code benchmark} (one of {@link #BENCHMARKS}) is to run. */
  boolean runs(String benchmark) {
    return only.isEmpty() ? !OPT_IN.contains(benchmark) : only.contains(benchmark);
  }

  Path workDir() {
    return out.resolve("work");
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException("Cannot parse " + option + ": it needs a value");
    }
    return args[index];
  }

  private static long number(String option, String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot parse " + option + " " + value + ": expected a whole number", e);
    }
  }
}
