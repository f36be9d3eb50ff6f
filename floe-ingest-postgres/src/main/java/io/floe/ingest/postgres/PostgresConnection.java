package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import io.floe.core.secret.ConfigValue;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a source's database is and who we are there; secrets are resolved only on use. */
public final class PostgresConnection {
  private final String source;
  private final ConfigValue url;
  private final ConfigValue user;
  private final ConfigValue password;
  private final Path projectDir;

  public PostgresConnection(
      String source, ConfigValue url, ConfigValue user, ConfigValue password, Path projectDir) {
    this.source = requireNonNull(source, "source is null");
    this.url = requireNonNull(url, "url is null");
    this.user = user;
    this.password = password;
    this.projectDir = requireNonNull(projectDir, "projectDir is null");
  }

  /** The connection a source entry declares with {@code url}, {@code user} and {@code password}. */
  public static PostgresConnection of(String source, io.floe.core.config.ConfigDocument settings, Path projectDir) {
    return new PostgresConnection(source, value(settings, PostgresSettings.URL),
        value(settings, PostgresSettings.USER), value(settings, PostgresSettings.PASSWORD), projectDir);
  }

  private static ConfigValue value(io.floe.core.config.ConfigDocument settings, io.floe.core.config.ConfigField field) {
    String raw = settings.string(field);
    return raw == null ? null : ConfigValue.of(field, raw, settings.location(field));
  }

  public String url() {
    return url.resolve(projectDir);
  }

  /** Driver properties for the engine's JDBC reader; the password is in here, so never print it. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("driver", "org.postgresql.Driver");
    if (user != null) {
      properties.put("user", user.resolve(projectDir));
    }
    if (password != null) {
      properties.put("password", password.resolve(projectDir));
    }
    // Timestamps travel as instants; the session zone only matters for text rendering.
    properties.put("sessionInitStatement", "SET TIME ZONE 'UTC'");
    return properties;
  }

  /**
   * Opens a connection in UTC.
   *
   * @throws FloeException external, with the driver's message (host and user, never the password)
   */
  public Connection open() {
    java.util.Properties properties = new java.util.Properties();
    properties().forEach((key, value) -> {
      if (key.equals("user") || key.equals("password")) {
        properties.setProperty(key, value);
      }
    });
    try {
      Connection connection = DriverManager.getConnection(url(), properties);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TIME ZONE 'UTC'");
      }
      return connection;
    } catch (SQLException e) {
      throw FloeException.external(
          e, "Cannot connect to PostgreSQL for source %s: %s", source, e.getMessage());
    }
  }
}
