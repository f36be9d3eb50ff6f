package io.floe.ingest.http;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Durations and instants as settings write them: {@code 500ms}, {@code 30s}, {@code 7d}; a date or an ISO time. */
final class Durations {
  private Durations() {}

  /** @throws IllegalArgumentException for text that is neither {@code 30s}-like nor ISO 8601 ({@code PT30S}) */
  static Duration parse(String text) {
    return io.floe.core.config.DurationText.parse(text);
  }

  /** A date (midnight UTC), a local time (UTC) or a time with an offset. */
  static Instant instant(String text) {
    String value = text.strip();
    try {
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (value.endsWith("Z") || value.matches(".*[+-]\\d\\d:?\\d\\d$")) {
        return OffsetDateTime.parse(value).toInstant();
      }
      return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("a date (2024-01-01) or a time (2024-01-01T00:00:00Z)", e);
    }
  }
}
