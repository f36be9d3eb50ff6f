package io.floe.ingest.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Time windows an API is read in ({@code window.*}): from {@code start} to {@code end} (or now) in
 * steps of {@code size}. The variables of a window: {@code window.start} and {@code window.end}
 * (written by {@code window.format}, default ISO 8601 UTC, end exclusive), {@code window.start_date}
 * and {@code window.end_date} (the first and the last day inside the window, in {@code window.zone}:
 * what date-range APIs such as Open-Meteo's take, end inclusive).
 */
record HttpWindows(String start, Duration size, Optional<Instant> end, DateTimeFormatter format, ZoneId zone) {
  String format(Instant instant) {
    return format == null ? instant.toString() : format.format(instant.atZone(zone));
  }

  Map<String, String> variables(Instant from, Instant to) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("window.start", format(from));
    variables.put("window.end", format(to));
    variables.put("window.start_date", from.atZone(zone).toLocalDate().toString());
    variables.put("window.end_date", to.minusNanos(1).atZone(zone).toLocalDate().toString());
    return variables;
  }
}
