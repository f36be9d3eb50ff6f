package io.floe.core.config;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a YAML configuration file and checks it against declared fields. Keys may be nested
 * ({@code catalog:} then {@code uri:}) or dotted ({@code catalog.uri:}). Every error is one line
 * that starts with {@code file:line}. Secret references are kept as written, not resolved.
 */
public final class ConfigParser {
  private final Path file;
  private final Map<String, ConfigField> fields = new LinkedHashMap<>();
  private final Set<String> sections = new LinkedHashSet<>();
  private final YamlValues values;
  private final KeySuggestions suggestions;
  private final Map<String, ConfigEntry> entries = new LinkedHashMap<>();
  private final Map<String, SourceLocation> seen = new HashMap<>();
  private String context = "";

  private ConfigParser(Path file, List<ConfigField> declared) {
    this.file = requireNonNull(file, "file is null");
    for (ConfigField field : declared) {
      fields.put(field.key(), field);
      for (String section = field.section(); !section.isEmpty(); section = parentOf(section)) {
        sections.add(section);
      }
    }
    this.values = new YamlValues(file);
    this.suggestions = new KeySuggestions(declared, sections);
  }

  /**
   * Reads and checks the file.
   *
   * @throws FloeException a user error if the file cannot be read, is not valid YAML, or has an
   *     unknown key or a value of the wrong type
   */
  public static ConfigDocument parse(Path file, List<ConfigField> fields) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw FloeException.user(e, "Cannot read %s: the file does not exist.", file);
    } catch (CharacterCodingException e) {
      throw FloeException.user(e, "Cannot read %s: the file is not UTF-8 text.", file);
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read %s: %s", file, e);
    }
    return parse(file, text, fields);
  }

  /** Checks YAML text as if read from {@code file}, which is only used in locations. */
  public static ConfigDocument parse(Path file, String yaml, List<ConfigField> fields) {
    return new ConfigParser(file, fields).parse(yaml);
  }

  /**
   * Checks each entry of a mapping section whose entries are named by the user, such as
   * {@code sources:}, against the fields that {@code fieldsFor} declares for it. The keys of an
   * entry are relative to it ({@code type}, {@code csv.delimiter}), so connectors can declare their
   * own settings; errors name the file, the line and the entry ({@code in sources.orders}).
   *
   * @param fieldsFor chooses an entry's fields from its name and its contents as plain values
   * @return a document per entry, in the order written; empty when the section is absent
   * @throws FloeException a user error for an entry that is not a mapping, an unknown key or a
   *     value of the wrong type
   */
  /** The top-level section of shared connection settings, and the key an entry names one with. */
  public static final String CONNECTION_SECTION = "connections";
  public static final String CONNECTION_KEY = "connection";

  public static Map<String, ConfigDocument> parseEntries(Path file, String yaml, String section,
      BiFunction<String, Map<String, Object>, List<ConfigField>> fieldsFor) {
    YamlValues values = new YamlValues(file);
    Map<String, ConfigDocument> documents = new LinkedHashMap<>();
    Optional<Node> root = new ConfigParser(file, List.of()).compose(yaml);
    if (root.isEmpty() || !(root.get() instanceof MappingNode mapping)) {
      return documents;
    }
    Map<String, MappingNode> connections = connections(mapping, values);
    for (NodeTuple tuple : sectionTuples(mapping, section, "", values)) {
      if (YamlValues.isNull(tuple.getValueNode())) {
        continue;
      }
      if (!(tuple.getValueNode() instanceof MappingNode entries)) {
        throw YamlValues.invalid(section, values.location(tuple.getKeyNode()), "a mapping by name",
            tuple.getValueNode());
      }
      for (NodeTuple entry : entries.getValue()) {
        String name = values.keyName(entry.getKeyNode(), section);
        SourceLocation at = values.location(entry.getKeyNode());
        Node body = entry.getValueNode();
        if (!(body instanceof MappingNode written)) {
          throw YamlValues.invalid(section + "." + name, at, "a mapping of settings", body);
        }
        MappingNode settings = withConnection(written, connections, values, section + "." + name);
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) values.plain(body, section + "." + name);
        ConfigParser parser = new ConfigParser(file, fieldsFor.apply(name, plain));
        parser.context = " in " + section + "." + name;
        parser.walk(settings, "");
        documents.put(name, new ConfigDocument(file, at, parser.entries));
      }
    }
    return documents;
  }

  // The tuples that write `section` (e.g. maintenance.tables): nested (maintenance: {tables: ...}) or dotted.
  private static List<NodeTuple> sectionTuples(MappingNode mapping, String section, String prefix, YamlValues values) {
    List<NodeTuple> found = new java.util.ArrayList<>();
    for (NodeTuple tuple : mapping.getValue()) {
      String key = prefix + values.keyName(tuple.getKeyNode(), prefix.isEmpty() ? "" : prefix.substring(0,
          prefix.length() - 1));
      if (section.equals(key)) {
        found.add(tuple);
      } else if (section.startsWith(key + ".") && tuple.getValueNode() instanceof MappingNode nested) {
        found.addAll(sectionTuples(nested, section, key + ".", values));
      }
    }
    return found;
  }

  // connections: {NAME: {url, user, password}}: settings several entries share, declared once.
  private static Map<String, MappingNode> connections(MappingNode root, YamlValues values) {
    Map<String, MappingNode> connections = new LinkedHashMap<>();
    for (NodeTuple tuple : root.getValue()) {
      if (CONNECTION_SECTION.equals(values.keyName(tuple.getKeyNode(), ""))
          && tuple.getValueNode() instanceof MappingNode entries) {
        for (NodeTuple entry : entries.getValue()) {
          if (entry.getValueNode() instanceof MappingNode settings) {
            connections.put(values.keyName(entry.getKeyNode(), CONNECTION_SECTION), settings);
          }
        }
      }
    }
    return connections;
  }

  // An entry's `connection: NAME` stands for the connection's settings (their lines stay theirs, so
  // an error in one names where it was written); the entry's own settings win.
  private static MappingNode withConnection(MappingNode entry, Map<String, MappingNode> connections,
      YamlValues values, String where) {
    NodeTuple reference = null;
    Set<String> own = new LinkedHashSet<>();
    for (NodeTuple tuple : entry.getValue()) {
      String key = values.keyName(tuple.getKeyNode(), where);
      if (key.equals(CONNECTION_KEY)) {
        reference = tuple;
      } else {
        own.add(key);
      }
    }
    if (reference == null) {
      return entry;
    }
    Object name = values.plain(reference.getValueNode(), where + "." + CONNECTION_KEY);
    MappingNode connection = connections.get(String.valueOf(name));
    if (connection == null) {
      throw FloeException.user("%s: Invalid config %s.%s: expected the name of an entry under %s:, but was: %s.%s"
          + " Declare it once under %s: with its url, user and password.", values.location(reference.getValueNode()),
          where, CONNECTION_KEY, CONNECTION_SECTION, name, io.floe.core.error.DidYouMean.hint(String.valueOf(name),
              connections.keySet()), CONNECTION_SECTION);
    }
    List<NodeTuple> merged = new java.util.ArrayList<>();
    for (NodeTuple tuple : connection.getValue()) {
      if (!own.contains(values.keyName(tuple.getKeyNode(), CONNECTION_SECTION))) {
        merged.add(tuple);
      }
    }
    for (NodeTuple tuple : entry.getValue()) {
      if (tuple != reference) {
        merged.add(tuple);
      }
    }
    return new MappingNode(entry.getTag(), merged, entry.getFlowStyle());
  }

  private ConfigDocument parse(String yaml) {
    Optional<Node> root = compose(yaml);
    if (root.isEmpty()) {
      return new ConfigDocument(file, new SourceLocation(file, 1), entries);
    }
    Node node = root.get();
    SourceLocation start = values.location(node);
    if (!(node instanceof MappingNode mapping)) {
      throw FloeException.user("%s: Cannot read settings: expected 'key: value' lines at the top level, but was %s.",
          start, YamlValues.describe(node));
    }
    walk(mapping, "");
    return new ConfigDocument(file, start, entries);
  }

  /**
   * Composes YAML text into nodes, which keep their line numbers; the parse error names the file
   * and line.
   */
  static Optional<Node> compose(Path file, String yaml) {
    return new ConfigParser(file, List.of()).compose(yaml);
  }

  private Optional<Node> compose(String yaml) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(file.toString())
        .setSchema(new CoreSchema())
        .build();
    try {
      return new Compose(settings).composeString(yaml);
    } catch (MarkedYamlEngineException e) {
      int line = lineOf(e.getProblemMark().or(e::getContextMark));
      throw FloeException.user(e, "%s: Cannot parse YAML: %s", new SourceLocation(file, line), problem(e, line));
    } catch (YamlEngineException e) {
      throw FloeException.user(e, "%s: Cannot parse YAML: %s", SourceLocation.of(file), oneLine(e.getMessage()));
    }
  }

  private void walk(MappingNode mapping, String section) {
    for (NodeTuple tuple : mapping.getValue()) {
      String name = values.keyName(tuple.getKeyNode(), section);
      String key = section.isEmpty() ? name : section + "." + name;
      SourceLocation at = values.location(tuple.getKeyNode());
      Node value = tuple.getValueNode();
      remember(key, at);
      ConfigField field = fields.get(key);
      if (field != null) {
        entries.put(key, new ConfigEntry(field, values.convert(field, value, at), at));
      } else if (sections.contains(key)) {
        walkSection(key, value, at);
      } else {
        String advice = suggestions.adviceFor(key);
        // Inside a named entry the "top level" is the entry's own.
        advice = context.isEmpty() ? advice : advice.replace("Valid top-level keys:", "Valid keys:");
        throw FloeException.user("%s: Unknown key '%s'%s. %s", at, key, context, advice);
      }
    }
  }

  private void walkSection(String section, Node value, SourceLocation at) {
    if (value instanceof MappingNode mapping) {
      walk(mapping, section);
    } else if (!YamlValues.isNull(value)) {
      throw YamlValues.invalid(section, at, "a mapping of " + section + ".* settings", value);
    }
  }

  // YAML forbids duplicate keys; the composer does not check, and a silent last-one-wins hides mistakes.
  private void remember(String key, SourceLocation at) {
    SourceLocation first = seen.putIfAbsent(key, at);
    if (first != null) {
      throw FloeException.user("%s: Duplicate key '%s' (first set at line %d). Remove one of them.", at, key,
          first.line());
    }
  }

  private static String parentOf(String key) {
    int dot = key.lastIndexOf('.');
    return dot < 0 ? "" : key.substring(0, dot);
  }

  // "found unexpected end of stream while scanning a quoted scalar that starts at line 1": the
  // context says where the unfinished construct began, often the line that needs the fix.
  private static String problem(MarkedYamlEngineException e, int line) {
    String problem = oneLine(e.getProblem() != null ? e.getProblem() : e.getContext());
    if (e.getProblem() == null || e.getContext() == null) {
      return problem;
    }
    int contextLine = lineOf(e.getContextMark());
    return contextLine > 0 && contextLine != line
        ? problem + " " + oneLine(e.getContext()) + " that starts at line " + contextLine
        : problem;
  }

  private static int lineOf(Optional<Mark> mark) {
    return mark.map(m -> m.getLine() + 1).orElse(0);
  }

  private static String oneLine(String text) {
    return text == null ? "unknown problem" : text.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
