package io.floe.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * A real S3 API server on 127.0.0.1: S3Proxy (from Maven Central) over jclouds' filesystem blob store,
 * with AWS signature v2/v4 authentication by one access key. Tests and the bench put a warehouse on
 * it with {@code storage: type: s3}; what it holds is read back through its blob store, not through
 * Floe.
 */
public final class S3ProxyServer implements AutoCloseable {
  private final S3Proxy proxy;
  private final BlobStoreContext context;
  private final String virtualHost;

  private S3ProxyServer(S3Proxy proxy, BlobStoreContext context, String virtualHost) {
    this.proxy = proxy;
    this.context = context;
    this.virtualHost = virtualHost;
  }

  /** Starts a server keeping its buckets under {@code dir}, on a free port, path-style addressing only. */
  public static S3ProxyServer start(Path dir, String accessKey, String secretKey) throws Exception {
    return start(dir, accessKey, secretKey, null);
  }

  /**
   * Starts a server keeping its buckets under {@code dir}, on a free port of 127.0.0.1. With a
   * {@code virtualHost} (e.g. {@code localhost}) it also answers virtual-host requests, whose Host is
   * {@code bucket.localhost}: the client must then resolve that name to 127.0.0.1.
   */
  public static S3ProxyServer start(Path dir, String accessKey, String secretKey, String virtualHost)
      throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
    BlobStoreContext context = // By its metadata, not its id "filesystem": a lookup by id loads every provider S3Proxy declares,
    // and its Azure one needs the Azure SDK, left out of the class path.
    ContextBuilder.newBuilder(new org.jclouds.filesystem.FilesystemApiMetadata()).overrides(properties)
        .build(BlobStoreContext.class);
    S3Proxy.Builder builder = S3Proxy.builder().blobStore(context.getBlobStore())
        .endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey);
    if (virtualHost != null) {
      builder.virtualHost(virtualHost);
    }
    S3Proxy proxy = builder.build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState())) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      context.close();
      throw e;
    }
    return new S3ProxyServer(proxy, context, virtualHost);
  }

  /** The endpoint for path-style requests: {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The endpoint for virtual-host requests: {@code http://VIRTUAL_HOST:PORT}. */
  public String virtualHostEndpoint() {
    if (virtualHost == null) {
      throw new IllegalStateException("started without a virtual host");
    }
    return "http://" + virtualHost + ":" + proxy.getPort();
  }

  public int port() {
    return proxy.getPort();
  }

  public void createBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** The keys of every object in {@code bucket} under {@code prefix}, as the server stores them. */
  public List<String> keys(String bucket, String prefix) {
    BlobStore store = context.getBlobStore();
    List<String> keys = new ArrayList<>();
    ListContainerOptions options = ListContainerOptions.Builder.prefix(prefix).recursive();
    String marker = null;
    do {
      PageSet<? extends StorageMetadata> page = store.list(bucket,
          marker == null ? options : options.clone().afterMarker(marker));
      for (StorageMetadata metadata : page) {
        if (metadata.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
          keys.add(metadata.getName());
        }
      }
      marker = page.getNextMarker();
    } while (marker != null);
    return keys;
  }

  @Override
  public void close() throws Exception {
    try {
      proxy.stop();
    } finally {
      context.close();
    }
  }
}
