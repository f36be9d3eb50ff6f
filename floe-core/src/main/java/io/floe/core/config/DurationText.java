package io.floe.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as floe.yaml writes them: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d}, or ISO 8601. */
public final class DurationText {
  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private DurationText() {}

  /** @throws IllegalArgumentException for text that is neither {@code 30s}-like nor ISO 8601 ({@code PT30S}) */
  public static Duration parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    Matcher matcher = SHORT.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("a duration like 500ms, 30s, 15m, 2h or 7d", e);
    }
  }
}
