package io.floe.ingest.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the one timestamp shape most APIs write, {@code 2024-01-01T00:00:00[.fraction](Z|+hh:mm)},
 * without {@code DateTimeFormatter}, whose parse builds a map of fields per value and cost half of
 * typing an API's records. Any other shape (no seconds, a space, an offset with seconds, a day that
 * does not exist) returns null and is left to the formatter, which also gives the error. Written by
 * hand: no library parses this shape without that cost.
 */
final class IsoInstants {
  private IsoInstants() {}

  /** The instant {@code text} names, or null when it is not in the strict shape. */
  static Instant parse(String text) {
    int length = text.length();
    if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || (text.charAt(10) | 0x20) != 't'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
        || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (text.charAt(at) == '.') {
      int first = ++at;
      while (at < length && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        if (at - first >= 9) {
          return null;
        }
        nanos = nanos * 10 + (text.charAt(at) - '0');
        at++;
      }
      if (at == first) {
        return null;
      }
      for (int scale = at - first; scale < 9; scale++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (at == length - 1 && (text.charAt(at) | 0x20) == 'z') {
      offsetSeconds = 0;
    } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
      int offsetHours = digits(text, at + 1, 2);
      int offsetMinutes = digits(text, at + 4, 2);
      if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
        return null;
      }
      offsetSeconds = (text.charAt(at) == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException noSuchDay) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds, nanos);
  }

  // The non-negative number of `count` ASCII digits at `from`, or -1.
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
