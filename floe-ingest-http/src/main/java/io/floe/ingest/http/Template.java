package io.floe.ingest.http;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request value with {@code {{ name }}} variables: {@code window.start}, {@code item.plant_id} ...
 * Written by hand: the names are a fixed few and the values plain strings, where a template engine
 * would bring loops, filters and escaping that a URL does not need.
 */
final class Template {
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*}}");

  private final String text;

  Template(String text) {
    this.text = text;
  }

  /** The variable names the template uses. */
  Set<String> variables() {
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = VARIABLE.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  /** The text with each variable replaced, through {@code encode} (URL encoding for a URL's path). */
  String render(Map<String, String> values, Function<String, String> encode) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException("No value for {{ " + matcher.group(1) + " }}");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(encode.apply(value)));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  String text() {
    return text;
  }
}
