package io.floe.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path into a JSON response, as the settings write it: field names joined by dots, {@code [N]}
 * for an array element and {@code []} for every element ({@code data[].results[].data[]}). Written
 * by hand: the JSONPath libraries select nodes but do not keep the enclosing elements that a record
 * takes its context from ({@code ^.columns.unit_code}), and this grammar is a few lines.
 */
final class JsonPath {
  private static final Pattern SEGMENT = Pattern.compile("([^\\[\\]]*)((?:\\[\\d*])*)");
  private static final Pattern BRACKET = Pattern.compile("\\[(\\d*)]");

  /** One step: a field, an element by index, or every element. */
  private record Step(String field, int index, boolean each) {}

  /** A node reached by the path, with the elements that {@code []} went through on the way, outermost first. */
  record Match(JsonNode node, List<JsonNode> enclosing) {}

  private final String text;
  private final List<Step> steps;

  private JsonPath(String text, List<Step> steps) {
    this.text = text;
    this.steps = steps;
  }

  /**
   * Parses a path; the empty path is the node itself.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static JsonPath parse(String text) {
    String path = text.strip();
    if (path.startsWith("$")) {
      path = path.substring(1);
    }
    if (path.startsWith(".")) {
      path = path.substring(1);
    }
    List<Step> steps = new ArrayList<>();
    if (!path.isEmpty()) {
      for (String segment : path.split("\\.", -1)) {
        Matcher matcher = SEGMENT.matcher(segment);
        if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
          throw new IllegalArgumentException("'" + text + "' is not a path like data[].results[0].value");
        }
        if (!matcher.group(1).isEmpty()) {
          steps.add(new Step(matcher.group(1), -1, false));
        }
        Matcher bracket = BRACKET.matcher(matcher.group(2));
        while (bracket.find()) {
          steps.add(bracket.group(1).isEmpty() ? new Step(null, -1, true)
              : new Step(null, Integer.parseInt(bracket.group(1)), false));
        }
      }
    }
    return new JsonPath(text, List.copyOf(steps));
  }

  /** Whether the path takes every element of an array somewhere ({@code []}). */
  boolean iterates() {
    return steps.stream().anyMatch(Step::each);
  }

  /** Every node the path reaches from {@code root}, in document order; missing fields reach nothing. */
  List<Match> select(JsonNode root) {
    List<Match> matches = new ArrayList<>();
    select(root, 0, new ArrayList<>(), matches);
    return matches;
  }

  private void select(JsonNode node, int step, List<JsonNode> enclosing, List<Match> matches) {
    if (node == null || node.isMissingNode()) {
      return;
    }
    if (step == steps.size()) {
      matches.add(new Match(node, List.copyOf(enclosing)));
      return;
    }
    Step next = steps.get(step);
    if (next.each()) {
      if (node.isArray()) {
        for (JsonNode element : node) {
          enclosing.add(element);
          select(element, step + 1, enclosing, matches);
          enclosing.remove(enclosing.size() - 1);
        }
      }
      return;
    }
    select(next.field() != null ? node.get(next.field()) : node.get(next.index()), step + 1, enclosing, matches);
  }

  /** The single node the path reaches from {@code node} (no {@code []}), or null. */
  JsonNode get(JsonNode node) {
    JsonNode current = node;
    for (Step step : steps) {
      if (current == null) {
        return null;
      }
      current = step.field() != null ? current.get(step.field()) : current.get(step.index());
    }
    return current == null || current.isMissingNode() ? null : current;
  }

  @Override
  public String toString() {
    return text;
  }
}
