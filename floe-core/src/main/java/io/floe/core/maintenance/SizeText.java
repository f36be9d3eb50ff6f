package io.floe.core.maintenance;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as floe.yaml writes them: {@code 512KB}, {@code 128MB}, {@code 1GB} (powers of 1024), or bytes. */
public final class SizeText {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

  private SizeText() {}

  /** @throws IllegalArgumentException for text that is not a size such as 128MB */
  public static long parse(String text) {
    Matcher matcher = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException("a size like 64MB, 128MB or 1GB");
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "b" : matcher.group(2);
    int shift = switch (unit.charAt(0)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      default -> 0;
    };
    return amount << shift;
  }
}
