package io.floe.spark.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.core.checksums.ChecksumSpecs;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.utils.Md5Utils;

/**
 * Sends Content-MD5, and no CRC32 header, on the S3 operations that require a checksum
 * (DeleteObjects above all) when {@code storage.request-checksums} is {@code when-required}, as AWS
 * SDKs did before 2.30. Since 2.30 the SDK sends {@code x-amz-checksum-crc32} there, which
 * S3-compatible stores (S3Proxy, Ceph, older MinIO) refuse: every bulk delete then fails, and
 * Iceberg's snapshot expiry and orphan removal only log a warning, so the bucket keeps every file
 * maintenance reports removed.
 *
 * <p>The SDK's {@code LegacyMd5Plugin} adds the MD5 header but, in the SDK version Iceberg's bundle
 * carries, the CRC32 header is still added after it, and a plugin is given to a client's builder,
 * which Iceberg's S3FileIO owns. The SDK loads the interceptors named in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} into every client it builds
 * (also on Spark executors): this class is named there. Marking the resolved checksum as no longer
 * required, once the MD5 header is on the request, is what keeps the SDK's checksum stage (which
 * runs after the interceptors and before signing) from adding CRC32.
 */
public final class LegacyMd5Checksums implements ExecutionInterceptor {
  /** The system property the AWS SDK reads its request checksum mode from when it builds a client. */
  public static final String REQUEST_CHECKSUMS = "aws.requestChecksumCalculation";
  /** The same for validating the checksums of responses. */
  public static final String RESPONSE_CHECKSUMS = "aws.responseChecksumValidation";
  private static final String CONTENT_MD5 = "Content-MD5";

  /**
   * Sets both of the SDK's checksum modes from {@code storage.request-checksums}
   * ({@code when-required} or {@code when-supported}). Iceberg has no catalog property for them.
   */
  public static void setModes(String setting) {
    System.setProperty(REQUEST_CHECKSUMS, sdkMode(setting));
    System.setProperty(RESPONSE_CHECKSUMS, sdkMode(setting));
  }

  // when-required -> WHEN_REQUIRED, as the SDK spells its modes.
  private static String sdkMode(String setting) {
    return setting.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    SdkHttpRequest request = context.httpRequest();
    ChecksumSpecs specs = attributes.getAttribute(SdkExecutionAttribute.RESOLVED_CHECKSUM_SPECS);
    Optional<RequestBody> body = context.requestBody();
    // A checksum the caller chose (an algorithm set on the request) is left to the SDK.
    if (!onlyWhenRequired() || specs == null || !specs.isRequestChecksumRequired() || specs.algorithmV2() != null
        || body.isEmpty() || request.firstMatchingHeader(CONTENT_MD5).isPresent()) {
      return request;
    }
    String md5;
    try (InputStream content = body.get().contentStreamProvider().newStream()) {
      md5 = Md5Utils.md5AsBase64(content);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot compute the Content-MD5 of an S3 request body", e);
    }
    attributes.putAttribute(SdkExecutionAttribute.RESOLVED_CHECKSUM_SPECS,
        specs.toBuilder().isRequestChecksumRequired(false).build());
    return request.toBuilder().putHeader(CONTENT_MD5, md5).build();
  }

  // Read per request: Floe sets the mode when a project's engine starts, which may be after the SDK
  // loaded this class for an earlier client.
  private static boolean onlyWhenRequired() {
    String mode = System.getProperty(REQUEST_CHECKSUMS);
    return mode != null && sdkMode(mode).equals("WHEN_REQUIRED");
  }
}
