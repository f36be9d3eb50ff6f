package io.floe.spark;

import io.floe.core.error.FloeException;
import io.floe.core.project.Project;
import io.floe.core.project.StorageConfig;
import io.floe.core.secret.ConfigValue;
import io.floe.spark.sql.SparkErrors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns a failure of the S3 client, wherever a command met it (opening a table, writing a data file,
 * committing metadata), into one line that names the endpoint and the bucket and says what to check.
 * S3's answers carry no credentials, and neither does the line.
 */
public final class StorageErrors {
  private static final Pattern S3_BUCKET = Pattern.compile("s3[an]?://([^/]+).*");

  private StorageErrors() {}

  /** {@code error} translated if an S3 client failure caused it; else {@code error} itself. */
  public static RuntimeException translate(Project project, RuntimeException error) {
    StorageConfig storage = project.config().storage();
    if (!storage.isS3()) {
      return error;
    }
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AwsServiceException refused) {
        return refused(project, refused, error);
      }
      if (cause instanceof SdkClientException unreachable && isConnectionFailure(unreachable)) {
        return FloeException.external(error, "Cannot reach the S3 endpoint %s (bucket '%s'): %s. Check "
            + "storage.endpoint in floe.yaml, and that the store is running and reachable from this machine.",
            endpoint(project), bucket(project), connectionProblem(unreachable));
      }
    }
    return error;
  }

  private static FloeException refused(Project project, AwsServiceException refused, RuntimeException error) {
    int status = refused.statusCode();
    String code = refused.awsErrorDetails() == null ? null : refused.awsErrorDetails().errorCode();
    String answer = status + (code == null || code.isBlank() ? "" : " " + code);
    if (status == 401 || status == 403) {
      return FloeException.external(error, "The S3 store at %s refused access to bucket '%s' (%s). Check "
          + "storage.access-key-id and storage.secret-access-key in floe.yaml (and the secrets they name), and "
          + "that the key may read and write the bucket.", endpoint(project), bucket(project), answer);
    }
    if (status == 404 && "NoSuchBucket".equals(code)) {
      return FloeException.external(error, "The S3 store at %s has no bucket '%s'. Create it, or change "
          + "catalog.warehouse in floe.yaml.", endpoint(project), bucket(project));
    }
    return FloeException.external(error, "The S3 store at %s failed a request on bucket '%s' (%s): %s",
        endpoint(project), bucket(project), answer, SparkErrors.firstLine(refused.getMessage()));
  }

  private static boolean isConnectionFailure(SdkClientException error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  private static String connectionProblem(SdkClientException error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.UnknownHostException unknown) {
        return "unknown host " + unknown.getMessage();
      }
      if (cause instanceof java.net.SocketTimeoutException) {
        return "timed out";
      }
      if (cause instanceof java.net.ConnectException && cause.getMessage() != null
          && cause.getMessage().toLowerCase(java.util.Locale.ROOT).contains("refused")) {
        return "connection refused";
      }
    }
    return "cannot connect";
  }

  private static String endpoint(Project project) {
    ConfigValue endpoint = project.config().storage().endpoint();
    if (endpoint == null) {
      ConfigValue region = project.config().storage().region();
      return "AWS S3" + (region == null ? "" : " (" + resolved(project, region) + ")");
    }
    return resolved(project, endpoint);
  }

  private static String bucket(Project project) {
    ConfigValue warehouse = project.config().catalog().warehouse();
    Matcher matcher = S3_BUCKET.matcher(warehouse == null ? "" : resolved(project, warehouse));
    return matcher.matches() ? matcher.group(1) : "of the warehouse";
  }

  // Endpoint and warehouse are plain settings, never secrets; a reference that no longer resolves
  // must not hide the error being reported.
  private static String resolved(Project project, ConfigValue value) {
    try {
      return value.resolve(project.root());
    } catch (FloeException e) {
      return value.key();
    }
  }
}
