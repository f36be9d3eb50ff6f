package io.floe.cli.starter;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes the files of a new project (what {@code floe init} and the demo start from). */
public final class StarterProject {
  /** Starter files: resource name under io/floe/cli/starter → path in the new project. */
  private static final Map<String, String> FILES =
      Map.of(
          "floe.yaml", "floe.yaml",
          "models/README.md", "models/README.md",
          "gitignore", ".gitignore");

  private StarterProject() {}

  /** The project name {@code floe init} derives from a directory. */
  public static String defaultName(Path root) {
    return root.getFileName().toString().replace('.', '_');
  }

  /**
   * Creates the starter files in {@code root} and returns the loaded project.
   *
   * @throws FloeException (user) if the name is not a valid project name
   */
  public static Project create(Path root, String name) {
    if (!name.matches("[A-Za-z][A-Za-z0-9_-]*")) {
      throw FloeException.user(
          "Cannot create project '%s': a name starts with a letter and holds only letters,"
              + " digits, '_' and '-'. Pass --name.",
          name);
    }
    try {
      for (Map.Entry<String, String> file : FILES.entrySet()) {
        Path target = root.resolve(file.getValue());
        Files.createDirectories(target.getParent());
        Files.writeString(target, resource(file.getKey()).replace("{{name}}", name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create project in " + root, e);
    }
    // Prove the project is valid before saying so.
    return Project.load(root);
  }

  /**
   * Adds a floe.yaml to the dbt project in {@code root} (and {@code .floe/} to its .gitignore),
   * touching none of its dbt files; returns the loaded project.
   */
  public static Project addTo(Path root, String name) {
    try {
      String config = resource("floe.yaml").replace("{{name}}", name)
          .replace("vars:\n  start_date: \"2026-01-01\"\n", "# vars: dbt_project.yml's vars apply; a var set here wins.\n");
      Files.writeString(root.resolve(Project.CONFIG_FILE), config);
      Path gitignore = root.resolve(".gitignore");
      String ignored = Files.exists(gitignore) ? Files.readString(gitignore) : "";
      if (ignored.lines().noneMatch(line -> line.strip().equals(".floe/") || line.strip().equals(".floe"))) {
        Files.writeString(gitignore, ignored + (ignored.isEmpty() || ignored.endsWith("\n") ? "" : "\n") + ".floe/\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot add floe.yaml to " + root, e);
    }
    return Project.load(root);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = StarterProject.class.getResourceAsStream("/io/floe/cli/starter/" + name)) {
      if (in == null) {
        throw new IllegalStateException("Starter file missing from the floe jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
