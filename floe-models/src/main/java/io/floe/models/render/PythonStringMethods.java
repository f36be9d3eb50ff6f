package io.floe.models.render;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's string methods on Jinja strings ({@code column.name.lower()}, {@code s.split(',')},
 * {@code s.startswith('x')} ...), as dbt's Jinja has them and Jinjava does not. Other calls are
 * left to Jinjava's resolvers.
 */
final class PythonStringMethods extends ELResolver {
  private static final Set<String> METHODS = Set.of("lower", "upper", "strip", "lstrip", "rstrip", "startswith",
      "endswith", "split", "title", "capitalize", "join", "find", "count", "isdigit", "isalpha", "isalnum", "isupper",
      "islower", "zfill", "replace");

  @Override
  public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (!(base instanceof String text) || method == null || !METHODS.contains(method.toString())) {
      return null;
    }
    Object[] args = params == null ? new Object[0] : params;
    Object result = apply(text, method.toString(), args);
    context.setPropertyResolved(true);
    return result;
  }

  private static Object apply(String text, String method, Object[] args) {
    return switch (method) {
      case "lower" -> text.toLowerCase(Locale.ROOT);
      case "upper" -> text.toUpperCase(Locale.ROOT);
      case "strip" -> stripRight(stripLeft(text, chars(args)), chars(args));
      case "lstrip" -> stripLeft(text, chars(args));
      case "rstrip" -> stripRight(text, chars(args));
      case "startswith" -> affixes(args).stream().anyMatch(text::startsWith);
      case "endswith" -> affixes(args).stream().anyMatch(text::endsWith);
      case "split" -> split(text, args);
      case "title" -> title(text);
      case "capitalize" -> text.isEmpty() ? text
          : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1).toLowerCase(Locale.ROOT);
      case "join" -> join(text, args);
      case "find" -> text.indexOf(String.valueOf(args[0]));
      case "count" -> text.isEmpty() || String.valueOf(args[0]).isEmpty() ? 0
          : text.split(Pattern.quote(String.valueOf(args[0])), -1).length - 1;
      case "isdigit" -> !text.isEmpty() && text.chars().allMatch(Character::isDigit);
      case "isalpha" -> !text.isEmpty() && text.chars().allMatch(Character::isLetter);
      case "isalnum" -> !text.isEmpty() && text.chars().allMatch(Character::isLetterOrDigit);
      case "isupper" -> text.chars().anyMatch(Character::isLetter) && text.equals(text.toUpperCase(Locale.ROOT));
      case "islower" -> text.chars().anyMatch(Character::isLetter) && text.equals(text.toLowerCase(Locale.ROOT));
      case "zfill" -> zfill(text, ((Number) args[0]).intValue());
      case "replace" -> replace(text, args);
      default -> throw new IllegalStateException("Unhandled string method " + method);
    };
  }

  private static String chars(Object[] args) {
    return args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
  }

  private static String stripLeft(String text, String chars) {
    int start = 0;
    while (start < text.length() && stripped(text.charAt(start), chars)) {
      start++;
    }
    return text.substring(start);
  }

  private static String stripRight(String text, String chars) {
    int end = text.length();
    while (end > 0 && stripped(text.charAt(end - 1), chars)) {
      end--;
    }
    return text.substring(0, end);
  }

  private static boolean stripped(char c, String chars) {
    return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
  }

  private static List<String> affixes(Object[] args) {
    if (args.length > 0 && args[0] instanceof Iterable<?> many) {
      List<String> all = new ArrayList<>();
      many.forEach(affix -> all.add(String.valueOf(affix)));
      return all;
    }
    return List.of(args.length == 0 ? "" : String.valueOf(args[0]));
  }

  // Python's split: on runs of whitespace without a separator, else on the separator, at most maxsplit times.
  private static List<String> split(String text, Object[] args) {
    String separator = args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
    int limit = args.length > 1 && args[1] instanceof Number max && max.intValue() >= 0 ? max.intValue() + 1 : -1;
    if (separator == null) {
      String trimmed = text.strip();
      return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+", limit));
    }
    return Arrays.asList(text.split(Pattern.quote(separator), limit));
  }

  private static String title(String text) {
    StringBuilder out = new StringBuilder();
    boolean start = true;
    for (char c : text.toCharArray()) {
      out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
      start = !Character.isLetter(c);
    }
    return out.toString();
  }

  private static String join(String separator, Object[] args) {
    List<String> parts = new ArrayList<>();
    if (args.length > 0 && args[0] instanceof Iterable<?> items) {
      items.forEach(item -> parts.add(String.valueOf(item)));
    }
    return String.join(separator, parts);
  }

  private static String zfill(String text, int width) {
    boolean signed = text.startsWith("-") || text.startsWith("+");
    String digits = signed ? text.substring(1) : text;
    String padded = "0".repeat(Math.max(0, width - text.length())) + digits;
    return signed ? text.charAt(0) + padded : padded;
  }

  private static String replace(String text, Object[] args) {
    String old = String.valueOf(args[0]);
    String replacement = String.valueOf(args[1]);
    if (args.length < 3 || !(args[2] instanceof Number count) || count.intValue() < 0) {
      return text.replace(old, replacement);
    }
    String result = text;
    int from = 0;
    for (int i = 0; i < count.intValue(); i++) {
      int at = result.indexOf(old, from);
      if (at < 0) {
        break;
      }
      result = result.substring(0, at) + replacement + result.substring(at + old.length());
      from = at + replacement.length();
    }
    return result;
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // Strings are read only; other bases are Jinjava's.
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }
}
