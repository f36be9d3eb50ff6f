package io.floe.core.project;

import io.floe.core.config.YamlFile;
import io.floe.core.error.FloeException;
import java.nio.file.Path;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Variables given for one run, as dbt's {@code --vars} takes them: a YAML or JSON mapping such as
 * {@code '{start_date: 2026-01-01, end_date: 2026-01-02}'}. They override floe.yaml's {@code vars:}
 * for that run only.
 */
public final class Vars {
  private Vars() {}

  /**
   * The mapping written in {@code text}.
   *
   * @param origin what errors name as the text's origin, e.g. {@code --vars}
   * @throws FloeException a user error when the text is not a YAML mapping
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parse(String text, String origin) {
    if (text == null || text.isBlank()) {
      return Map.of();
    }
    YamlFile yaml = YamlFile.parse(text, Path.of(origin));
    Node root = yaml.root().orElse(null);
    if (!(root instanceof MappingNode)) {
      throw FloeException.user("%s: Cannot read the variables: expected a mapping such as "
          + "'{start_date: 2026-01-01}', got %s.", origin, root == null ? "nothing" : YamlFile.describe(root));
    }
    return (Map<String, Object>) yaml.plain(root, "vars");
  }
}
