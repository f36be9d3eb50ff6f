package io.floe.core.config;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * A YAML file read into nodes that remember their lines, for files whose shape is not a fixed set
 * of settings (dbt-style property files). Errors start with {@code file:line}, like the settings
 * parser's.
 */
public final class YamlFile {
  private final Path file;
  private final YamlValues values;
  private final Optional<Node> root;

  private YamlFile(Path file, Optional<Node> root) {
    this.file = file;
    this.values = new YamlValues(file);
    this.root = root;
  }

  /**
   * Reads and composes the file.
   *
   * @param shownAs the path errors show, usually relative to the project
   * @throws FloeException (user) when the file cannot be read or is not valid YAML
   */
  public static YamlFile read(Path file, Path shownAs) {
    requireNonNull(file, "file is null");
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw FloeException.user(e, "Cannot read %s: %s", shownAs, e.getMessage());
    }
    return new YamlFile(shownAs, ConfigParser.compose(shownAs, text));
  }

  /**
   * Composes YAML text given elsewhere than in a file (a command-line option).
   *
   * @param shownAs what errors name as the text's origin, e.g. {@code --vars}
   */
  public static YamlFile parse(String text, Path shownAs) {
    requireNonNull(text, "text is null");
    return new YamlFile(shownAs, ConfigParser.compose(shownAs, text));
  }

  public Path file() {
    return file;
  }

  /** The document's root node; empty for an empty file. */
  public Optional<Node> root() {
    return root;
  }

  /** The node as plain Java: ordered maps, lists, Strings, Numbers, Booleans and nulls. */
  public Object plain(Node node, String path) {
    return values.plain(node, path);
  }

  /** The text of a mapping key; an error with file:line when it is not a name. */
  public String keyName(Node keyNode, String section) {
    return values.keyName(keyNode, section);
  }

  /** Where the node was written. */
  public SourceLocation location(Node node) {
    return values.location(node);
  }

  /** How a value is shown in an error: {@code 'four'}, {@code a mapping}, {@code a list}. */
  public static String describe(Node node) {
    return YamlValues.describe(node);
  }
}
