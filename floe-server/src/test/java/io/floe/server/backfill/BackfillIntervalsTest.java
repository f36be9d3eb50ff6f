package io.floe.server.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.server.backfill.Backfills.Interval;
import io.floe.server.backfill.Backfills.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The intervals a backfill runs: from the start up to, not including, the end; the last one cut at the end. */
class BackfillIntervalsTest {
  @Test
  void daysWeeksMonthsAndHoursEndAtTheRangesEnd() {
    assertThat(ranges("2026-01-30", "2026-02-02", Interval.DAY))
        .containsExactly("2026-01-30..2026-01-31", "2026-01-31..2026-02-01", "2026-02-01..2026-02-02");
    assertThat(ranges("2026-01-01", "2026-01-10", Interval.WEEK))
        .containsExactly("2026-01-01..2026-01-08", "2026-01-08..2026-01-10");
    assertThat(ranges("2026-01-15", "2026-03-10", Interval.MONTH))
        .containsExactly("2026-01-15..2026-02-01", "2026-02-01..2026-03-01", "2026-03-01..2026-03-10");
    assertThat(ranges("2026-01-01T22:00", "2026-01-02", Interval.HOUR))
        .containsExactly("2026-01-01T22:00..2026-01-01T23:00", "2026-01-01T23:00..2026-01-02T00:00");
  }

  @Test
  void aBadRangeIsAnErrorSayingWhatIsExpected() {
    assertThatThrownBy(() -> ranges("2026-02-01", "2026-02-01", Interval.DAY))
        .hasMessage("Cannot backfill from 2026-02-01 to 2026-02-01: the start must be before the end (the end is not "
            + "included).");
    assertThatThrownBy(() -> ranges("2026-31-01", "2026-02-01", Interval.DAY))
        .hasMessage("Cannot read the backfill's start '2026-31-01': expected a date such as 2026-01-31.");
    assertThatThrownBy(() -> ranges("2020-01-01", "2026-01-01", Interval.DAY))
        .hasMessageStartingWith("Cannot backfill more than 1000 intervals in one backfill.");
  }

  private static List<String> ranges(String start, String end, Interval interval) {
    return Backfills.intervals(new Request(List.of(), start, end, interval, "start_date", "end_date", false)).stream()
        .map(range -> range[0] + ".." + range[1]).toList();
  }
}
