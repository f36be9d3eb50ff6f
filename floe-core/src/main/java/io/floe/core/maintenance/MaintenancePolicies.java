package io.floe.core.maintenance;

import static io.floe.core.config.FloeSettings.MAINTENANCE_AUTO;
import static io.floe.core.config.FloeSettings.MAINTENANCE_COMPACT_DELETED_PERCENT;
import static io.floe.core.config.FloeSettings.MAINTENANCE_COMPACT_ENABLED;
import static io.floe.core.config.FloeSettings.MAINTENANCE_COMPACT_MIN_FILES;
import static io.floe.core.config.FloeSettings.MAINTENANCE_COMPACT_TARGET_FILE_SIZE;
import static io.floe.core.config.FloeSettings.MAINTENANCE_EXPIRE_ENABLED;
import static io.floe.core.config.FloeSettings.MAINTENANCE_EXPIRE_OLDER_THAN;
import static io.floe.core.config.FloeSettings.MAINTENANCE_EXPIRE_RETAIN_LAST;
import static io.floe.core.config.FloeSettings.MAINTENANCE_MANIFESTS_ENABLED;
import static io.floe.core.config.FloeSettings.MAINTENANCE_MANIFESTS_MIN;
import static io.floe.core.config.FloeSettings.MAINTENANCE_ORPHANS_ENABLED;
import static io.floe.core.config.FloeSettings.MAINTENANCE_ORPHANS_INTERVAL;
import static io.floe.core.config.FloeSettings.MAINTENANCE_ORPHANS_OLDER_THAN;
import static io.floe.core.config.FloeSettings.MAINTENANCE_TABLES;
import static java.util.Objects.requireNonNull;

import io.floe.core.config.ConfigDocument;
import io.floe.core.config.ConfigField;
import io.floe.core.config.ConfigParser;
import io.floe.core.config.DurationText;
import io.floe.core.config.FloeSettings;
import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code maintenance:} section of floe.yaml, checked: project-wide settings and, under
 * {@code maintenance.tables}, per-table overrides written with the same keys without the
 * {@code maintenance.} prefix. Errors name the file and line.
 */
public final class MaintenancePolicies {
  private static final String PREFIX = "maintenance.";
  private static final List<ConfigField> SETTINGS = List.of(MAINTENANCE_AUTO, MAINTENANCE_COMPACT_ENABLED,
      MAINTENANCE_COMPACT_MIN_FILES, MAINTENANCE_COMPACT_DELETED_PERCENT, MAINTENANCE_COMPACT_TARGET_FILE_SIZE,
      MAINTENANCE_EXPIRE_ENABLED,
      MAINTENANCE_EXPIRE_OLDER_THAN, MAINTENANCE_EXPIRE_RETAIN_LAST, MAINTENANCE_ORPHANS_ENABLED,
      MAINTENANCE_ORPHANS_OLDER_THAN, MAINTENANCE_ORPHANS_INTERVAL, MAINTENANCE_MANIFESTS_ENABLED,
      MAINTENANCE_MANIFESTS_MIN);

  private final MaintenancePolicy project;
  private final Map<String, MaintenancePolicy> tables;

  private MaintenancePolicies(MaintenancePolicy project, Map<String, MaintenancePolicy> tables) {
    this.project = requireNonNull(project, "project is null");
    this.tables = Map.copyOf(tables);
  }

  /**
   * Reads and checks the maintenance settings of a floe.yaml (the defaults when it has none).
   *
   * @throws FloeException a user error with file:line for an unknown key or a bad value
   */
  public static MaintenancePolicies load(Path configFile) {
    String yaml = Project.configText(configFile);
    ConfigDocument document = ConfigParser.parse(configFile, yaml, FloeSettings.all());
    MaintenancePolicy project = read(document, Function.identity());
    // A table's keys are the project's without the prefix; what it does not say, the project says.
    Map<String, ConfigField> relative = new LinkedHashMap<>();
    for (ConfigField field : SETTINGS) {
      relative.put(field.key(), new ConfigField(field.key().substring(PREFIX.length()), field.type(),
          document.value(field), field.description(), field.allowedValues(), false));
    }
    Map<String, ConfigDocument> entries = ConfigParser.parseEntries(configFile, yaml, MAINTENANCE_TABLES.key(),
        (name, plain) -> List.copyOf(relative.values()));
    Map<String, MaintenancePolicy> tables = new LinkedHashMap<>();
    entries.forEach((name, entry) -> {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*")) {
        throw FloeException.user("%s: Invalid table name '%s' in %s: expected namespace.table, e.g. bronze.events.",
            entry.start(), name, MAINTENANCE_TABLES.key());
      }
      tables.put(name.toLowerCase(Locale.ROOT), read(entry, field -> relative.get(field.key())));
    });
    return new MaintenancePolicies(project, tables);
  }

  /** The policy of {@code table} ({@code namespace.table}): its overrides over the project's settings. */
  public MaintenancePolicy forTable(String table) {
    return tables.getOrDefault(table.toLowerCase(Locale.ROOT), project);
  }

  /** The project-wide policy. */
  public MaintenancePolicy project() {
    return project;
  }

  // `field` maps a project-wide field to the one the document was checked against.
  private static MaintenancePolicy read(ConfigDocument document, Function<ConfigField, ConfigField> field) {
    return new MaintenancePolicy(
        document.bool(field.apply(MAINTENANCE_AUTO)),
        document.bool(field.apply(MAINTENANCE_COMPACT_ENABLED)),
        atLeast(document, field.apply(MAINTENANCE_COMPACT_MIN_FILES), 2),
        percent(document, field.apply(MAINTENANCE_COMPACT_DELETED_PERCENT)),
        size(document, field.apply(MAINTENANCE_COMPACT_TARGET_FILE_SIZE)),
        document.bool(field.apply(MAINTENANCE_EXPIRE_ENABLED)),
        duration(document, field.apply(MAINTENANCE_EXPIRE_OLDER_THAN)),
        atLeast(document, field.apply(MAINTENANCE_EXPIRE_RETAIN_LAST), 1),
        document.bool(field.apply(MAINTENANCE_ORPHANS_ENABLED)),
        duration(document, field.apply(MAINTENANCE_ORPHANS_OLDER_THAN)),
        duration(document, field.apply(MAINTENANCE_ORPHANS_INTERVAL)),
        document.bool(field.apply(MAINTENANCE_MANIFESTS_ENABLED)),
        atLeast(document, field.apply(MAINTENANCE_MANIFESTS_MIN), 2));
  }

  private static int atLeast(ConfigDocument document, ConfigField field, int least) {
    int value = document.integer(field);
    if (value < least) {
      throw document.invalid(field, "an integer of at least " + least);
    }
    return value;
  }

  private static int percent(ConfigDocument document, ConfigField field) {
    int value = document.integer(field);
    if (value < 1 || value > 100) {
      throw document.invalid(field, "a percentage from 1 to 100");
    }
    return value;
  }

  private static long size(ConfigDocument document, ConfigField field) {
    try {
      long size = SizeText.parse(document.string(field));
      if (size < 1024) {
        throw document.invalid(field, "a size of at least 1KB, like 64MB or 128MB");
      }
      return size;
    } catch (IllegalArgumentException e) {
      throw document.invalid(field, e.getMessage());
    }
  }

  private static Duration duration(ConfigDocument document, ConfigField field) {
    try {
      Duration duration = DurationText.parse(document.string(field));
      if (duration.isNegative()) {
        throw document.invalid(field, "a duration of zero or more, like 3d or 12h");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw document.invalid(field, e.getMessage());
    }
  }
}
