package io.floe.core.config;

import io.floe.core.error.FloeException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Converts YAML nodes to the Java value of a field's type, or to a one-line error saying why not. */
final class YamlValues {
  private static final int MAX_SHOWN_LENGTH = 60;

  private final Path file;

  YamlValues(Path file) {
    this.file = file;
  }

  /**
   * The typed value of the node (see {@link ConfigDocument}), or null when it is empty.
   *
   * @param at where the key was written, used in errors
   */
  Object convert(ConfigField field, Node node, SourceLocation at) {
    if (isNull(node)) {
      return null;
    }
    return switch (field.type()) {
      case STRING, SECRET -> text(field, node, at, "a string");
      case INT -> integer(field, node, at);
      case BOOLEAN -> bool(field, node, at);
      case ENUM -> choice(field, node, at);
      case STRING_LIST -> stringList(field, node, at);
      case MAP -> {
        if (!(node instanceof MappingNode)) {
          throw invalid(field.key(), at, "a mapping", node);
        }
        yield plain(node, field.key());
      }
    };
  }

  /** The node as plain Java: ordered maps, lists, Strings, Numbers, Booleans and nulls. */
  Object plain(Node node, String path) {
    if (node.isRecursive()) {
      throw FloeException.user("%s: Cannot read %s: recursive YAML aliases are not supported.", location(node), path);
    }
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar);
    }
    if (node instanceof SequenceNode sequence) {
      List<Object> items = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        items.add(plain(item, path + "[" + items.size() + "]"));
      }
      return Collections.unmodifiableList(items);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      String key = keyName(tuple.getKeyNode(), path);
      String child = path + "." + key;
      if (map.containsKey(key)) {
        throw FloeException.user("%s: Duplicate key '%s'. Remove one of them.", location(tuple.getKeyNode()), child);
      }
      map.put(key, plain(tuple.getValueNode(), child));
    }
    return Collections.unmodifiableMap(map);
  }

  /** The text of a mapping key, which must be a non-empty scalar. */
  String keyName(Node keyNode, String section) {
    if (keyNode instanceof ScalarNode scalar && !isNull(scalar) && !scalar.getValue().isBlank()) {
      return scalar.getValue();
    }
    String where = section.isEmpty() ? "at the top level" : "in " + section;
    throw FloeException.user("%s: Invalid key %s: expected a name, but was %s.", location(keyNode), where,
        describe(keyNode));
  }

  SourceLocation location(Node node) {
    return new SourceLocation(file, node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0));
  }

  /** How a value is shown in an error: {@code 'four'}, {@code a mapping}, {@code a list} or {@code empty}. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "empty";
    }
    String value = ((ScalarNode) node).getValue().replaceAll("\\s+", " ");
    return "'" + (value.length() > MAX_SHOWN_LENGTH ? value.substring(0, MAX_SHOWN_LENGTH) + "..." : value) + "'";
  }

  static FloeException invalid(String key, SourceLocation at, String expected, Node seen) {
    return FloeException.user("%s: Invalid value for %s: expected %s, but was %s.", at, key, expected,
        describe(seen));
  }

  private static String text(ConfigField field, Node node, SourceLocation at, String expected) {
    if (node instanceof ScalarNode scalar) {
      return scalar.getValue();
    }
    throw invalid(field.key(), at, expected, node);
  }

  private static Integer integer(ConfigField field, Node node, SourceLocation at) {
    try {
      return Integer.valueOf(text(field, node, at, "an integer").trim());
    } catch (NumberFormatException e) {
      throw invalid(field.key(), at, "an integer", node);
    }
  }

  private static Boolean bool(ConfigField field, Node node, SourceLocation at) {
    String value = text(field, node, at, "true or false").trim().toLowerCase(Locale.ROOT);
    if (value.equals("true") || value.equals("false")) {
      return Boolean.valueOf(value);
    }
    throw invalid(field.key(), at, "true or false", node);
  }

  private static String choice(ConfigField field, Node node, SourceLocation at) {
    String expected = "one of " + field.allowedValues();
    String value = text(field, node, at, expected).trim();
    if (field.allowedValues().contains(value)) {
      return value;
    }
    throw invalid(field.key(), at, expected, node);
  }

  private List<String> stringList(ConfigField field, Node node, SourceLocation at) {
    if (!(node instanceof SequenceNode sequence)) {
      throw invalid(field.key(), at, "a list of strings", node);
    }
    List<String> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode scalar) || isNull(item)) {
        throw FloeException.user("%s: Invalid value for %s: expected a list of strings, but item %d was %s.",
            location(item), field.key(), items.size() + 1, describe(item));
      }
      items.add(scalar.getValue());
    }
    return List.copyOf(items);
  }

  private static Object scalar(ScalarNode node) {
    Tag tag = node.getTag();
    String value = node.getValue();
    if (tag.equals(Tag.NULL)) {
      return null;
    } else if (tag.equals(Tag.BOOL)) {
      return Boolean.valueOf(value.toLowerCase(Locale.ROOT));
    } else if (tag.equals(Tag.INT)) {
      return integerNumber(value);
    } else if (tag.equals(Tag.FLOAT)) {
      return floatNumber(value);
    }
    return value;
  }

  // YAML 1.2 core schema integers: decimal, 0o octal or 0x hexadecimal; the smallest Java type that fits.
  private static Number integerNumber(String value) {
    String digits = value.startsWith("+") ? value.substring(1) : value;
    BigInteger number;
    if (digits.startsWith("0x")) {
      number = new BigInteger(digits.substring(2), 16);
    } else if (digits.startsWith("0o")) {
      number = new BigInteger(digits.substring(2), 8);
    } else {
      number = new BigInteger(digits);
    }
    if (number.bitLength() < Integer.SIZE) {
      return number.intValue();
    }
    return number.bitLength() < Long.SIZE ? (Number) number.longValue() : number;
  }

  private static Double floatNumber(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".inf")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return lower.equals(".nan") ? Double.NaN : Double.valueOf(value);
  }

  static boolean isNull(Node node) {
    return node instanceof ScalarNode scalar && scalar.getTag().equals(Tag.NULL);
  }
}
