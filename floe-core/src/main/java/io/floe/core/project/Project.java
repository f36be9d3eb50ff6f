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
  /** A dbt project's file: a directory with it and no floe.yaml is a project on the embedded defaults. */
  public static final String DBT_PROJECT_FILE = "dbt_project.yml";
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
    ProjectConfig config;
    if (Files.isRegularFile(configFile)) {
      config = ProjectConfigReader.read(configFile);
    } else if (Files.isRegularFile(root.resolve(DBT_PROJECT_FILE))) {
      // A dbt project without a floe.yaml runs on the embedded defaults, under the dbt project's name.
      config = ProjectConfigReader.defaults(configFile, dbtProjectName(root));
      LOG.info("No {} in {}: running the dbt project on Floe's embedded defaults ('floe init' writes one to change"
          + " them).", CONFIG_FILE, root);
    } else {
      throw FloeException.user("Cannot load project: no %s in %s. Run 'floe init %s' to create one, or pass -p DIR.",
          CONFIG_FILE, root, root);
    }
    // Checked here so that any command fails on a bad schedule, not only the server that fires it.
    io.floe.core.schedule.Schedules.load(configFile);
    io.floe.core.maintenance.MaintenancePolicies.load(configFile);
    // Resolved on use: a ${vault:...} reference finds its project's Vault settings here.
    io.floe.core.secret.SecretStores.configure(root, io.floe.core.secret.SecretReference.VAULT, config.vault());
    LOG.debug("Loaded project {} from {}", config.name(), configFile);
    return new Project(root, configFile, config);
  }

  /**
   * The {@code name:} of {@code root/dbt_project.yml}, or the directory's name when it has none that
   * is an identifier (dbt requires one).
   */
  public static String dbtProjectName(Path root) {
    try {
      Object parsed = new org.snakeyaml.engine.v2.api.Load(
          org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(
              Files.readString(root.resolve(DBT_PROJECT_FILE)));
      if (parsed instanceof java.util.Map<?, ?> map && map.get("name") != null
          && map.get("name").toString().matches("[A-Za-z_][A-Za-z0-9_]*")) {
        return map.get("name").toString();
      }
    } catch (java.io.IOException | RuntimeException e) {
      throw FloeException.user(e, "Cannot read %s: %s", root.resolve(DBT_PROJECT_FILE), e.getMessage());
    }
    String dir = root.getFileName() == null ? "project" : root.getFileName().toString().replaceAll("[^A-Za-z0-9_]", "_");
    return dir.isEmpty() || Character.isDigit(dir.charAt(0)) ? "project_" + dir : dir;
  }

  /** The text of floe.yaml, or nothing for a dbt project that has none. */
  public static String configText(Path configFile) {
    if (!Files.exists(configFile)) {
      return "";
    }
    try {
      return Files.readString(configFile);
    } catch (java.io.IOException e) {
      throw FloeException.user(e, "Cannot read %s: %s", configFile, e.getMessage());
    }
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
