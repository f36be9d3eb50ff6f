package io.floe.spark.table;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.Table;

/**
 * Who left what a run writes before it publishes, so that the recovery after a killed run removes
 * what its own project left and not what a live run of another project (two projects on one catalog)
 * holds at that moment. A batch branch names its writer and the second it was made ({@code
 * floe_batch_<writer id>_<epoch second>_<random>}), a model run's branch its run ({@code
 * floe_run_<run id>}, the run's start in UTC), a table its creator (the {@value #WRITER_PROPERTY}
 * property), a rejects commit its writer (the same key in its summary). What another project left is
 * removed once it is {@link #ABANDONED_AFTER} old; names of an earlier Floe, which carry no writer,
 * are taken as the project's own, as they were then.
 */
public final class RunLeftovers {
  public static final String BATCH_BRANCH_PREFIX = "floe_batch_";
  public static final String RUN_BRANCH_PREFIX = "floe_run_";
  /** The table property, and snapshot summary key, naming the project that wrote it ({@code .floe/writer-id}). */
  public static final String WRITER_PROPERTY = "floe.writer-id";
  /** No run of another project lasts this long: what it left and did not touch since is abandoned. */
  public static final Duration ABANDONED_AFTER = Duration.ofDays(2);

  private static final Pattern BATCH_BRANCH = Pattern.compile(BATCH_BRANCH_PREFIX + "([0-9a-f]{12})_(\\d+)_\\w+");
  /** A run's id, its start in UTC ({@code 20261130_101500_123}): the runtime makes them, a recovery reads them. */
  public static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss_SSS")
      .withZone(ZoneOffset.UTC);

  private RunLeftovers() {}

  /** A new batch branch's name for the project {@code writerId}. */
  public static String batchBranch(String writerId, Instant now) {
    return BATCH_BRANCH_PREFIX + writerId + "_" + now.getEpochSecond() + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** Whether any Floe run writes the branch before it publishes (a batch or a model run's branch). */
  public static boolean isRunBranch(String branch) {
    return branch.startsWith(BATCH_BRANCH_PREFIX) || branch.startsWith(RUN_BRANCH_PREFIX);
  }

  /**
   * Whether the project {@code writerId}, holding its lock, may remove {@code branch}: a batch branch
   * of its own (or of an earlier Floe) or one another project made {@link #ABANDONED_AFTER} ago; a run
   * branch of one of its own runs ({@code ownRun}) or of another project's run that started that long ago.
   */
  public static boolean isRemovable(String branch, String writerId, Predicate<String> ownRun, Instant now) {
    if (branch.startsWith(BATCH_BRANCH_PREFIX)) {
      Matcher named = BATCH_BRANCH.matcher(branch);
      return !named.matches() || named.group(1).equals(writerId)
          || abandoned(Instant.ofEpochSecond(Long.parseLong(named.group(2))), now);
    }
    if (branch.startsWith(RUN_BRANCH_PREFIX)) {
      String run = branch.substring(RUN_BRANCH_PREFIX.length());
      if (ownRun.test(run)) {
        return true;
      }
      try {
        return abandoned(LocalDateTime.parse(run, RUN_ID).toInstant(ZoneOffset.UTC), now);
      } catch (DateTimeParseException e) {
        // Not a run id Floe makes: nobody's live run, as an earlier Floe took it.
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a table that was never published (no main) may be dropped by the project {@code writerId}
   * once the run branches it has ({@code runBranches} of them) are removed: one it created, one another
   * project created and left untouched for {@link #ABANDONED_AFTER}, or one that names no creator (made
   * before tables named theirs) but was written by a run. A table with no creator and no run branch is
   * not Floe's (an empty table made in another engine): it stays.
   */
  public static boolean isRemovable(Table table, int runBranches, String writerId, Instant now) {
    String creator = table.properties().get(WRITER_PROPERTY);
    if (creator == null) {
      return runBranches > 0;
    }
    return creator.equals(writerId) || abandoned(lastChanged(table), now);
  }

  /** Whether a commit (of rejects whose rows never committed) by {@code writer} is the project's to undo. */
  public static boolean isRemovable(String writer, long committedAtMillis, String writerId, Instant now) {
    return writer == null || writer.equals(writerId) || abandoned(Instant.ofEpochMilli(committedAtMillis), now);
  }

  private static Instant lastChanged(Table table) {
    if (table instanceof org.apache.iceberg.HasTableOperations operations) {
      return Instant.ofEpochMilli(operations.operations().current().lastUpdatedMillis());
    }
    return Instant.EPOCH;
  }

  private static boolean abandoned(Instant made, Instant now) {
    return made.plus(ABANDONED_AFTER).isBefore(now);
  }
}
