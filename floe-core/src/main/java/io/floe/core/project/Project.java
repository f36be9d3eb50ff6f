package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Floe project: a directory with a floe.yaml, its models and its local state.
 *
 * @param root the project directory, absolute
 * @param configFile the project's floe.yaml
 */
public record Project(Path root, Path configFile, ProjectConfig config) {
  public static final String CONFIG_FILE = "floe.yaml";
  /** Local state kept out of version control: the SQLite catalog, the local warehouse. */
  public static final String STATE_DIR = ".floe";

  private static final Logger LOG = LoggerFactory.getLogger(Project.class);

  public Project {
    root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    requireNonNull(configFile, "configFile is null");
    requireNonNull(config, "config is null");
  }

  /**
   * Loads and checks {@code dir/floe.yaml}. Secret references are not resolved here.
   *
   * @throws FloeException a user error, naming file and line, for any problem with the file
   */
  public static Project load(Path dir) {
    requireNonNull(dir, "dir is null");
    Path root = dir.toAbsolutePath().normalize();
    Path configFile = root.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(configFile)) {
      throw FloeException.user("Cannot load project: no %s in %s. Run 'floe init %s' to create one, or pass -p DIR.",
          CONFIG_FILE, root, root);
    }
    ProjectConfig config = ProjectConfigReader.read(configFile);
    // Checked here so that any command fails on a bad schedule, not only the server that fires it.
    io.floe.core.schedule.Schedules.load(configFile);
    // Resolved on use: a ${vault:...} reference finds its project's Vault settings here.
    io.floe.core.secret.SecretStores.configure(root, io.floe.core.secret.SecretReference.VAULT, config.vault());
    LOG.debug("Loaded project {} from {}", config.name(), configFile);
    return new Project(root, configFile, config);
  }

  /**
   * This project with {@code overrides} over floe.yaml's {@code vars:}, for one run (dbt's
   * {@code --vars}); itself when there are none.
   */
  public Project withVars(java.util.Map<String, Object> overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    java.util.Map<String, Object> vars = new java.util.LinkedHashMap<>(config.vars());
    vars.putAll(overrides);
    return new Project(root, configFile, new ProjectConfig(config.name(), config.catalog(), config.storage(),
        config.engine(), config.namespaces(), config.modelsPath(), config.sources(), vars, config.vault(),
        config.bronzeColumns()));
  }

  /** The models directory; models.path is relative to the project unless absolute. */
  public Path modelsDir() {
    return root.resolve(config.modelsPath()).normalize();
  }

  /** {@code root/.floe}, the project's local state. */
  public Path stateDir() {
    return root.resolve(STATE_DIR);
  }
}
