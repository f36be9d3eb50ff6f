package io.floe.models.test;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dbt's user-defined generic tests: {@code {% test name(model, column_name, ...) %} select ...
 * {% endtest %}} in {@code macros/} or {@code tests/generic/}. dbt compiles each as a macro named
 * {@code test_<name>}; Jinjava has no {@code test} tag, so the block is rewritten to that macro
 * (on the same lines, so errors keep their line numbers), and a test is run by rendering a call of
 * it whose output is the SELECT of the failing rows.
 */
public final class GenericTestMacros {
  private static final Pattern TEST_START = Pattern.compile("\\{%(-?)\\s*test\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
  private static final Pattern TEST_END = Pattern.compile("\\{%(-?)\\s*endtest\\s*(-?)%}");
  private static final Pattern RELATION = Pattern.compile(
      "\\s*(ref|source)\\(\\s*['\"][^'\"]+['\"]\\s*(,\\s*['\"][^'\"]+['\"]\\s*)?\\)\\s*");

  private GenericTestMacros() {}

  /** The text with each {@code {% test x(...) %}...{% endtest %}} block made a macro {@code test_x}. */
  public static String rewrite(String text) {
    String started = TEST_START.matcher(text).replaceAll("{%$1 macro test_$2(");
    return TEST_END.matcher(started).replaceAll("{%$1 endmacro $2%}");
  }

  /** The names of the generic tests a file defines, in order. */
  public static Set<String> names(String text) {
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = TEST_START.matcher(text);
    while (matcher.find()) {
      names.add(matcher.group(2));
    }
    return names;
  }

  /**
   * The template that renders one use of a generic test: {@code {{ test_name(model=..., column_name=...,
   * arg=...) }}}, the arguments written as Jinja literals; an argument written {@code ref('x')} or
   * {@code source('a', 'b')} is rendered as the call, so that the test reads that relation as in dbt.
   *
   * @param relation what {@code model} renders to: the relation under test
   */
  public static String call(DataTestDefinition test, String relation) {
    List<String> arguments = new ArrayList<>();
    arguments.add("model=" + literal(relation));
    test.column().ifPresent(column -> arguments.add("column_name=" + literal(column)));
    test.arguments().forEach((name, value) -> arguments.add(name + "=" + argument(value)));
    return "{{ test_" + test.baseKind() + "(" + String.join(", ", arguments) + ") }}";
  }

  private static String argument(Object value) {
    if (value instanceof String text && RELATION.matcher(text).matches()) {
      return text.strip();
    }
    return literal(value);
  }

  private static String literal(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean || value instanceof Number) {
      return value.toString();
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(item -> items.add(literal(item)));
      return "[" + String.join(", ", items) + "]";
    }
    if (value instanceof Map<?, ?> map) {
      List<String> entries = new ArrayList<>();
      map.forEach((key, item) -> entries.add(literal(String.valueOf(key)) + ": " + literal(item)));
      return "{" + String.join(", ", entries) + "}";
    }
    return "'" + value.toString().replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
  }
}
