package io.floe.vault.declare;

import io.floe.core.error.DidYouMean;
import io.floe.core.error.FloeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One mapping of a vault file (an entity, or {@code settings:}) with the line of every key, so
 * that each error names {@code vault/meter.yml:12}, what was expected and what was seen.
 */
final class YamlEntry {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String file;
  private final String kind;
  private final MappingNode node;
  private final Map<String, NodeTuple> keys = new LinkedHashMap<>();

  YamlEntry(String file, String kind, MappingNode node, List<String> allowed) {
    this.file = file;
    this.kind = kind;
    this.node = node;
    for (NodeTuple tuple : node.getValue()) {
      String key = scalar(tuple.getKeyNode(), "a key");
      if (!allowed.contains(key)) {
        throw error(tuple.getKeyNode(), "unknown key '%s' in %s.%s Expected one of %s", key, kind,
            DidYouMean.hint(key, allowed), allowed);
      }
      if (keys.put(key, tuple) != null) {
        throw error(tuple.getKeyNode(), "'%s' is given twice in %s", key, kind);
      }
    }
  }

  /** {@code vault/meter.yml:12} of this entry. */
  String where() {
    return where(node);
  }

  String where(Node at) {
    return file + ":" + (at.getStartMark().map(mark -> mark.getLine() + 1).orElse(0));
  }

  /** Where {@code key} was written, or the entry's own line when it was not. */
  String whereKey(String key) {
    NodeTuple tuple = keys.get(key);
    return tuple == null ? where() : where(tuple.getKeyNode());
  }

  boolean has(String key) {
    return keys.containsKey(key);
  }

  /** Whether {@code key} is written as a mapping ({@code {a: b}}) rather than a name or a list. */
  boolean isMapping(String key) {
    NodeTuple tuple = keys.get(key);
    return tuple != null && tuple.getValueNode() instanceof MappingNode;
  }

  String name() {
    String name = requiredString("name");
    return identifier(name, "name");
  }

  String requiredString(String key) {
    return string(key).orElseThrow(() -> error(node, "%s needs '%s:'", kind, key));
  }

  Optional<String> string(String key) {
    NodeTuple tuple = keys.get(key);
    return tuple == null ? Optional.empty() : Optional.of(scalar(tuple.getValueNode(), "'" + key + "'"));
  }

  boolean bool(String key, boolean defaultValue) {
    Optional<String> value = string(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    return switch (value.get()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(keys.get(key).getValueNode(), "'%s' must be true or false, but was '%s'", key,
          value.get());
    };
  }

  /** A list of names; a single name stands for a list of one. */
  List<String> names(String key) {
    NodeTuple tuple = keys.get(key);
    if (tuple == null) {
      return List.of();
    }
    Node value = tuple.getValueNode();
    List<String> names = new ArrayList<>();
    if (value instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        names.add(identifier(scalar(item, "an item of '" + key + "'"), key));
      }
    } else {
      names.add(identifier(scalar(value, "'" + key + "'"), key));
    }
    return List.copyOf(names);
  }

  /** A list of SQL texts (partition transforms, expressions). */
  List<String> texts(String key) {
    NodeTuple tuple = keys.get(key);
    if (tuple == null) {
      return List.of();
    }
    Node value = tuple.getValueNode();
    if (!(value instanceof SequenceNode sequence)) {
      return List.of(scalar(value, "'" + key + "'"));
    }
    List<String> texts = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      texts.add(scalar(item, "an item of '" + key + "'"));
    }
    return List.copyOf(texts);
  }

  /** A mapping of names to scalars (derived columns: name → expression). */
  Map<String, String> stringMap(String key) {
    Map<String, String> map = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping(key)) {
      map.put(identifier(scalar(tuple.getKeyNode(), "a key of '" + key + "'"), key),
          scalar(tuple.getValueNode(), "the value of '" + key + "'"));
    }
    return map;
  }

  /** A mapping of names to lists of names (hash keys: name → columns). */
  Map<String, List<String>> listMap(String key) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping(key)) {
      String name = identifier(scalar(tuple.getKeyNode(), "a key of '" + key + "'"), key);
      Node value = tuple.getValueNode();
      List<String> columns = new ArrayList<>();
      if (value instanceof SequenceNode sequence) {
        for (Node item : sequence.getValue()) {
          columns.add(identifier(scalar(item, "a column of '" + name + "'"), name));
        }
      } else {
        columns.add(identifier(scalar(value, "a column of '" + name + "'"), name));
      }
      if (columns.isEmpty()) {
        throw error(value, "'%s' needs at least one column", name);
      }
      map.put(name, List.copyOf(columns));
    }
    return map;
  }

  /** A list of mappings (reference rows). */
  List<Map<String, String>> rows(String key) {
    NodeTuple tuple = keys.get(key);
    if (tuple == null) {
      return List.of();
    }
    if (!(tuple.getValueNode() instanceof SequenceNode sequence)) {
      throw error(tuple.getValueNode(), "'%s' must be a list of rows, such as - {code: A, name: Active}", key);
    }
    List<Map<String, String>> rows = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      if (!(item instanceof MappingNode mapping)) {
        throw error(item, "each row of '%s' must be a mapping of column to value", key);
      }
      Map<String, String> row = new LinkedHashMap<>();
      for (NodeTuple cell : mapping.getValue()) {
        Node value = cell.getValueNode();
        row.put(identifier(scalar(cell.getKeyNode(), "a column"), key),
            value instanceof ScalarNode scalar && !"null".equals(scalar.getValue()) && !scalar.getValue().isEmpty()
                ? scalar.getValue() : null);
      }
      rows.add(row);
    }
    return rows;
  }

  private List<NodeTuple> mapping(String key) {
    NodeTuple tuple = keys.get(key);
    if (tuple == null) {
      return List.of();
    }
    if (!(tuple.getValueNode() instanceof MappingNode mapping)) {
      throw error(tuple.getValueNode(), "'%s' must be a mapping, such as %s", key,
          key.equals("derived") ? "{reading_day: cast(interval_start as date)}" : "{customer_hk: [installation_id]}");
    }
    return mapping.getValue();
  }

  private String identifier(String text, String key) {
    if (!IDENTIFIER.matcher(text).matches()) {
      throw error(node, "'%s' in '%s' of %s is not a column or entity name (letters, digits and _)", text, key, kind);
    }
    return text;
  }

  private String scalar(Node value, String what) {
    if (!(value instanceof ScalarNode scalar)) {
      throw error(value, "%s of %s must be a single value, but was %s", what, kind,
          value instanceof SequenceNode ? "a list" : "a mapping");
    }
    return scalar.getValue();
  }

  FloeException error(Node at, String format, Object... args) {
    return FloeException.user("%s: Cannot read the vault: %s", where(at), sentence(String.format(format, args)));
  }

  // Ends a message with a full stop unless it ends with a question already.
  static String sentence(String message) {
    return message.endsWith("?") || message.endsWith(".") ? message : message + ".";
  }

  FloeException error(String format, Object... args) {
    return error(node, format, args);
  }

  FloeException errorAt(String key, String format, Object... args) {
    NodeTuple tuple = keys.get(key);
    return error(tuple == null ? node : tuple.getValueNode(), format, args);
  }
}
