package io.floe.core.project;

import static java.util.Objects.requireNonNull;

import io.floe.core.config.FloeSettings;
import io.floe.core.secret.ConfigValue;

/**
 * Where table files are stored ({@code storage.*} in floe.yaml). Optional values are null when absent.
 *
 * @param type {@value #LOCAL} or {@value #S3}
 * @param endpoint the S3 endpoint URL of an S3-compatible store; null for AWS
 * @param accessKeyId null to use the default AWS credential chain
 * @param requestChecksums when-required or when-supported: when the S3 client adds checksums to uploads
 */
public record StorageConfig(
    String type,
    ConfigValue endpoint,
    ConfigValue region,
    boolean pathStyleAccess,
    ConfigValue accessKeyId,
    ConfigValue secretAccessKey,
    String requestChecksums) {
  public static final String LOCAL = "local";
  public static final String S3 = "s3";

  public StorageConfig {
    requireNonNull(type, "type is null");
    if (!FloeSettings.STORAGE_TYPE.allowedValues().contains(type)) {
      throw new IllegalArgumentException("Invalid storage type: expected one of "
          + FloeSettings.STORAGE_TYPE.allowedValues() + ", but was: " + type);
    }
  }

  public boolean isS3() {
    return type.equals(S3);
  }
}
