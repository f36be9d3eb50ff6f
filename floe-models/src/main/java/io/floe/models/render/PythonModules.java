package io.floe.models.render;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dbt's {@code modules}: the parts of Python's {@code datetime} and {@code re} that templates use,
 * with Python's names and string forms. Public because Jinjava calls them by reflection.
 */
public final class PythonModules {
  private final DatetimeModule datetime = new DatetimeModule();
  private final ReModule re = new ReModule();

  public DatetimeModule getDatetime() {
    return datetime;
  }

  public ReModule getRe() {
    return re;
  }

  /** {@code modules.datetime}: {@code datetime}, {@code date} and {@code timedelta}. */
  public static final class DatetimeModule {
    private final DatetimeType datetimeType = new DatetimeType();
    private final DateType dateType = new DateType();

    /** {@code modules.datetime.datetime}, for {@code .now()}, {@code .utcnow()}, {@code .strptime()} ... */
    public DatetimeType getDatetime() {
      return datetimeType;
    }

    /** {@code modules.datetime.datetime(2024, 1, 31, 12, 0, 0)}. */
    public PyDatetime datetime(Object... args) {
      return datetimeType.of(args);
    }

    public DateType getDate() {
      return dateType;
    }

    /** {@code modules.datetime.date(2024, 1, 31)}. */
    public PyDate date(Object... args) {
      List<Long> values = numbers(args, 3, "date(year, month, day)");
      return new PyDate(LocalDate.of(values.get(0).intValue(), values.get(1).intValue(), values.get(2).intValue()));
    }

    /** {@code modules.datetime.timedelta(days=1, hours=2)}. */
    public PyTimedelta timedelta(Object... args) {
      String[] units = {"days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks"};
      Map<String, Double> amounts = new LinkedHashMap<>();
      int position = 0;
      for (Object arg : args) {
        if (arg instanceof NamedParameter named) {
          amounts.put(named.getName(), number(named.getValue()));
        } else {
          amounts.put(units[position++], number(arg));
        }
      }
      double seconds = amounts.getOrDefault("days", 0d) * 86_400 + amounts.getOrDefault("seconds", 0d)
          + amounts.getOrDefault("microseconds", 0d) / 1e6 + amounts.getOrDefault("milliseconds", 0d) / 1e3
          + amounts.getOrDefault("minutes", 0d) * 60 + amounts.getOrDefault("hours", 0d) * 3600
          + amounts.getOrDefault("weeks", 0d) * 604_800;
      return new PyTimedelta(Duration.ofNanos(Math.round(seconds * 1e9)));
    }
  }

  /** {@code datetime.datetime}'s class methods. */
  public static final class DatetimeType {
    /** Local time of the machine, naive, as Python's {@code datetime.now()}. */
    public PyDatetime now(Object... zone) {
      if (zone.length > 0 && zone[0] != null) {
        return new PyDatetime(ZonedDateTime.now(ZoneId.of(String.valueOf(zone[0]))).toLocalDateTime(),
            ZoneId.of(String.valueOf(zone[0])));
      }
      return new PyDatetime(LocalDateTime.now(), null);
    }

    /** UTC, naive, as Python's {@code datetime.utcnow()}. */
    public PyDatetime utcnow() {
      return new PyDatetime(LocalDateTime.now(ZoneOffset.UTC), null);
    }

    public PyDatetime strptime(String text, String format) {
      return new PyDatetime(LocalDateTime.parse(text, StrftimeFormatter.toDateTimeFormatter(format)), null);
    }

    public PyDatetime fromisoformat(String text) {
      return new PyDatetime(LocalDateTime.parse(text.replace(' ', 'T')), null);
    }

    PyDatetime of(Object... args) {
      List<Long> values = numbers(args, 3, "datetime(year, month, day, hour=0, minute=0, second=0)");
      int[] parts = new int[7];
      for (int i = 0; i < values.size() && i < parts.length; i++) {
        parts[i] = values.get(i).intValue();
      }
      return new PyDatetime(LocalDateTime.of(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5],
          parts[6] * 1000), null);
    }
  }

  /** {@code datetime.date}'s class methods. */
  public static final class DateType {
    public PyDate today() {
      return new PyDate(LocalDate.now());
    }

    public PyDate fromisoformat(String text) {
      return new PyDate(LocalDate.parse(text));
    }
  }

  /** A Python {@code datetime}: {@code strftime()}, {@code isoformat()}, {@code .year} ... */
  public static final class PyDatetime {
    private final LocalDateTime value;
    private final ZoneId zone;

    PyDatetime(LocalDateTime value, ZoneId zone) {
      this.value = value;
      this.zone = zone;
    }

    static PyDatetime utc(Instant instant) {
      return new PyDatetime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC), ZoneOffset.UTC);
    }

    public String strftime(String format) {
      return StrftimeFormatter.format(value.atZone(zone == null ? ZoneOffset.UTC : zone), format);
    }

    public String isoformat() {
      return format('T');
    }

    public PyDate date() {
      return new PyDate(value.toLocalDate());
    }

    public long timestamp() {
      return value.atZone(zone == null ? ZoneId.systemDefault() : zone).toEpochSecond();
    }

    public int getYear() {
      return value.getYear();
    }

    public int getMonth() {
      return value.getMonthValue();
    }

    public int getDay() {
      return value.getDayOfMonth();
    }

    public int getHour() {
      return value.getHour();
    }

    public int getMinute() {
      return value.getMinute();
    }

    public int getSecond() {
      return value.getSecond();
    }

    public int getMicrosecond() {
      return value.getNano() / 1000;
    }

    /** Monday 0 ... Sunday 6, as Python's. */
    public int weekday() {
      return value.getDayOfWeek().getValue() - 1;
    }

    public int isoweekday() {
      return value.getDayOfWeek().getValue();
    }

    public PyDatetime add(PyTimedelta delta) {
      return new PyDatetime(value.plus(delta.duration), zone);
    }

    public PyDatetime subtract(PyTimedelta delta) {
      return new PyDatetime(value.minus(delta.duration), zone);
    }

    // Python's str(): a space between date and time, microseconds only when there are some.
    private String format(char separator) {
      String text = value.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'" + separator + "'HH:mm:ss"));
      if (value.getNano() / 1000 != 0) {
        text += String.format(".%06d", value.getNano() / 1000);
      }
      if (zone != null) {
        String offset = value.atZone(zone).getOffset().getId();
        text += "Z".equals(offset) ? "+00:00" : offset;
      }
      return text;
    }

    @Override
    public String toString() {
      return format(' ');
    }
  }

  /** A Python {@code date}. */
  public static final class PyDate {
    private final LocalDate value;

    PyDate(LocalDate value) {
      this.value = value;
    }

    public String strftime(String format) {
      return StrftimeFormatter.format(value.atStartOfDay(ZoneOffset.UTC), format);
    }

    public String isoformat() {
      return value.toString();
    }

    public int getYear() {
      return value.getYear();
    }

    public int getMonth() {
      return value.getMonthValue();
    }

    public int getDay() {
      return value.getDayOfMonth();
    }

    public int weekday() {
      return value.getDayOfWeek().getValue() - 1;
    }

    public int isoweekday() {
      return value.getDayOfWeek().getValue();
    }

    public PyDate add(PyTimedelta delta) {
      return new PyDate(value.atStartOfDay().plus(delta.duration).toLocalDate());
    }

    public PyDate subtract(PyTimedelta delta) {
      return new PyDate(value.atStartOfDay().minus(delta.duration).toLocalDate());
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** A Python {@code timedelta}. */
  public static final class PyTimedelta {
    private final Duration duration;

    PyTimedelta(Duration duration) {
      this.duration = duration;
    }

    public long getDays() {
      return Math.floorDiv(duration.getSeconds(), 86_400);
    }

    public long getSeconds() {
      return Math.floorMod(duration.getSeconds(), 86_400);
    }

    public double total_seconds() {
      return duration.toNanos() / 1e9;
    }

    @Override
    public String toString() {
      long seconds = getSeconds();
      String time = String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
      long days = getDays();
      return days == 0 ? time : days + (Math.abs(days) == 1 ? " day, " : " days, ") + time;
    }
  }

  /** {@code modules.re}: Python's regular expressions on Java's ({@code (?P<name>)} groups too). */
  public static final class ReModule {
    public PyMatch match(String pattern, Object text) {
      Matcher matcher = compile(pattern).matcher(String.valueOf(text));
      return matcher.lookingAt() ? new PyMatch(matcher) : null;
    }

    public PyMatch search(String pattern, Object text) {
      Matcher matcher = compile(pattern).matcher(String.valueOf(text));
      return matcher.find() ? new PyMatch(matcher) : null;
    }

    public PyMatch fullmatch(String pattern, Object text) {
      Matcher matcher = compile(pattern).matcher(String.valueOf(text));
      return matcher.matches() ? new PyMatch(matcher) : null;
    }

    public String sub(String pattern, String replacement, Object text) {
      // Python writes group references as \1; Java as $1.
      String javaReplacement = replacement.replace("$", "\\$").replaceAll("\\\\(\\d+)", "\\$$1");
      return compile(pattern).matcher(String.valueOf(text)).replaceAll(javaReplacement);
    }

    public List<Object> findall(String pattern, Object text) {
      Matcher matcher = compile(pattern).matcher(String.valueOf(text));
      List<Object> found = new ArrayList<>();
      while (matcher.find()) {
        if (matcher.groupCount() == 0) {
          found.add(matcher.group());
        } else if (matcher.groupCount() == 1) {
          found.add(matcher.group(1));
        } else {
          List<String> groups = new ArrayList<>();
          for (int i = 1; i <= matcher.groupCount(); i++) {
            groups.add(matcher.group(i));
          }
          found.add(groups);
        }
      }
      return found;
    }

    public List<String> split(String pattern, Object text) {
      return List.of(compile(pattern).split(String.valueOf(text), -1));
    }

    public String escape(String text) {
      return Pattern.quote(text);
    }

    private static Pattern compile(String pattern) {
      return Pattern.compile(pattern.replace("(?P<", "(?<"));
    }
  }

  /** A match: {@code .group(n)}, {@code .groups()}, {@code .start()}, {@code .end()}. */
  public static final class PyMatch {
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
    private final List<String> groups = new ArrayList<>();
    private final Map<String, String> named = new LinkedHashMap<>();
    private final int start;
    private final int end;

    PyMatch(Matcher matcher) {
      for (int i = 0; i <= matcher.groupCount(); i++) {
        groups.add(matcher.group(i));
      }
      Matcher names = GROUP_NAME.matcher(matcher.pattern().pattern());
      while (names.find()) {
        named.put(names.group(1), matcher.group(names.group(1)));
      }
      this.start = matcher.start();
      this.end = matcher.end();
    }

    public String group(Object... which) {
      if (which.length == 0) {
        return groups.get(0);
      }
      return which[0] instanceof Number index ? groups.get(index.intValue()) : named.get(String.valueOf(which[0]));
    }

    public List<String> groups() {
      return groups.subList(1, groups.size());
    }

    public int start() {
      return start;
    }

    public int end() {
      return end;
    }

    @Override
    public String toString() {
      return groups.get(0);
    }
  }

  private static List<Long> numbers(Object[] args, int required, String signature) {
    List<Long> values = new ArrayList<>();
    for (Object arg : args) {
      Object value = arg instanceof NamedParameter named ? named.getValue() : arg;
      values.add((long) number(value));
    }
    if (values.size() < required) {
      throw new IllegalArgumentException("expected " + signature + ", but got " + values.size() + " arguments");
    }
    return values;
  }

  private static double number(Object value) {
    if (value instanceof Number number) {
      return number.doubleValue();
    }
    return Double.parseDouble(String.valueOf(value));
  }
}
