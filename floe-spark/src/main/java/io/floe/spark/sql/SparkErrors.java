package io.floe.spark.sql;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.util.function.Supplier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.spark.SparkThrowable;

/**
 * Turns what Spark and Iceberg throw into a {@link FloeException} with the right category, so the
 * CLI can print one line and pick an exit code. Bad SQL, unknown tables and invalid snapshot
 * operations are the user's to fix; everything else is internal.
 */
public final class SparkErrors {
  private SparkErrors() {}

  /** Runs {@code work}, translating failures into a "Cannot {@code action}: ..." error. */
  public static <T> T translate(String action, Supplier<T> work) {
    try {
      return work.get();
    } catch (FloeException e) {
      throw e;
    } catch (Exception e) {
      // Exception, not RuntimeException: Spark's AnalysisException is checked but thrown unchecked.
      throw new FloeException(
          categoryOf(e), "Cannot " + action + ": " + firstLine(e.getMessage()), e);
    }
  }

  static ErrorCategory categoryOf(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ValidationException
          || cause instanceof NoSuchTableException
          || cause instanceof NoSuchNamespaceException
          || cause instanceof AlreadyExistsException
          || cause instanceof IllegalArgumentException) {
        return ErrorCategory.USER;
      }
      if (isExternal(cause)) {
        return ErrorCategory.EXTERNAL;
      }
      if (cause instanceof SparkThrowable sparkError && isUserSqlState(sparkError.getSqlState())) {
        return ErrorCategory.USER;
      }
    }
    return ErrorCategory.INTERNAL;
  }

  // A catalog database or server that is down, refuses us, or fails: not Floe's bug, not bad input.
  private static boolean isExternal(Throwable error) {
    return error instanceof java.sql.SQLException
        || error instanceof org.apache.iceberg.jdbc.UncheckedSQLException
        || error instanceof java.net.ConnectException
        || error instanceof java.net.UnknownHostException
        || error instanceof org.apache.iceberg.exceptions.RESTException
        || error instanceof org.apache.iceberg.exceptions.ServiceFailureException
        || error instanceof org.apache.iceberg.exceptions.ServiceUnavailableException
        || error instanceof org.apache.iceberg.exceptions.NotAuthorizedException
        || error instanceof org.apache.iceberg.exceptions.ForbiddenException;
  }

  // SQLSTATE classes 22 (data exception) and 42 (syntax error or access rule violation), and the
  // other non-internal classes Spark uses for input it cannot accept.
  private static boolean isUserSqlState(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith("22")
            || sqlState.startsWith("42")
            || sqlState.startsWith("0A")
            || sqlState.startsWith("21")
            || sqlState.startsWith("23"));
  }

  /** The first line of {@code message}, stripped; drivers and engines add detail below it. */
  public static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "(no message)";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip();
  }
}
