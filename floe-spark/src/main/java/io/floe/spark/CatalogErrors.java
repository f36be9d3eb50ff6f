package io.floe.spark;

import io.floe.core.config.FloeSettings;
import io.floe.core.config.SourceLocation;
import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.core.project.CatalogConfig;
import io.floe.core.project.Project;
import io.floe.spark.sql.SparkErrors;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Says in one line why the project's catalog cannot be opened: where it is (the URI as floe.yaml
 * writes it, references unresolved and any password in it masked), what went wrong, and what to check.
 */
final class CatalogErrors {
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
  private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@]+:)[^/@]*@");

  private CatalogErrors() {}

  /**
   * {@code error} rewritten when the catalog is unreachable or refuses the credentials, else as it is.
   * The rewritten error's cause is {@code error} through {@code redact}: drivers echo URLs with passwords.
   */
  static FloeException opening(Project project, String icebergUri, FloeException error,
      UnaryOperator<FloeException> redact) {
    if (error.category() != ErrorCategory.EXTERNAL) {
      return error;
    }
    CatalogConfig catalog = project.config().catalog();
    String where = catalog.uri() == null ? icebergUri : maskPassword(catalog.uri().raw());
    String file = SourceLocation.of(project.configFile()).toString();
    String check;
    if (refusedCredentials(error)) {
      check = catalog.isRest()
          ? "Check " + FloeSettings.CATALOG_TOKEN.key() + " or " + FloeSettings.CATALOG_CREDENTIAL.key() + " in "
              + file + ": the server refused them."
          : "Check " + FloeSettings.CATALOG_USER.key() + " and " + FloeSettings.CATALOG_PASSWORD.key() + " in " + file
              + ": the database refused them.";
    } else if (unreachable(error)) {
      check = "Check that the catalog " + (catalog.isRest() ? "server" : "database") + " is running and reachable "
          + "from this machine, and " + FloeSettings.CATALOG_URI.key() + " in " + file + ".";
    } else {
      return error;
    }
    return new FloeException(ErrorCategory.EXTERNAL, "Cannot open catalog '" + catalog.name() + "' at " + where
        + ": " + reason(error) + ". " + check, redact.apply(error));
  }

  static String maskPassword(String uri) {
    String masked = PASSWORD_PARAMETER.matcher(uri).replaceAll("$1****");
    return USER_INFO_PASSWORD.matcher(masked).replaceAll("$1****@");
  }

  private static boolean refusedCredentials(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && sql.getSQLState().startsWith("28")) {
        return true;
      }
      if (cause instanceof org.apache.iceberg.exceptions.NotAuthorizedException
          || cause instanceof org.apache.iceberg.exceptions.ForbiddenException) {
        return true;
      }
    }
    return false;
  }

  private static boolean unreachable(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      // SQLSTATE class 08: connection exception (refused, unknown host, timed out).
      if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  // The innermost driver or network message says what happened; the wrappers above it only repeat it.
  private static String reason(Throwable error) {
    String reason = null;
    for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
      boolean telling = cause instanceof java.sql.SQLException || cause instanceof java.io.IOException
          || cause instanceof org.apache.iceberg.exceptions.RESTException;
      if (telling && cause.getMessage() != null && !cause.getMessage().isBlank()) {
        reason = cause.getMessage();
      }
    }
    String line = SparkErrors.firstLine(reason != null ? reason : error.getMessage());
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }
}
