package io.floe.spark.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}), with permissions set through {@code java.nio}.
 * Without Hadoop's native library (it is not on Maven Central), {@code RawLocalFileSystem} sets the
 * permission of every file and directory it creates by forking {@code chmod}: each Iceberg commit
 * (manifest, manifest list, metadata file and their checksum files) and each data file Spark writes
 * started a process, several milliseconds apiece from a JVM with a large heap. Registered as
 * {@code fs.file.impl} by {@link HadoopSettings}.
 *
 * <p>It writes and checks no {@code .crc} files beside the files: Iceberg's metadata, manifests and
 * Spark's data files were each written twice (the file and its checksum) and each read opened both,
 * which cost a run of the meter vault about 6% of its CPU in Hadoop's streams. The warehouse's other
 * files never had them (DuckDB writes most data files, object stores keep none), and Parquet pages and
 * Avro blocks carry their own checks; a checksum file an earlier version wrote is left alone.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new NioRawLocalFileSystem());
  }

  @Override
  public void initialize(URI name, Configuration conf) throws IOException {
    super.initialize(name, conf);
    // Set after initializing: creating the file system sets both again from its defaults.
    setVerifyChecksum(false);
    setWriteChecksum(false);
  }

  /** The raw local file system whose {@code setPermission} is a system call, not a process. */
  public static class NioRawLocalFileSystem extends RawLocalFileSystem {
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      short mode = permission.toShort();
      // The sticky bit has no java.nio form; a file system without POSIX attributes (Windows) neither.
      if ((mode & 01000) != 0) {
        super.setPermission(path, permission);
        return;
      }
      Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
      for (int bit = 0; bit < BITS.length; bit++) {
        if ((mode & (1 << bit)) != 0) {
          permissions.add(BITS[bit]);
        }
      }
      try {
        Files.setPosixFilePermissions(pathToFile(path).toPath(), permissions);
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(path, permission);
      }
    }
  }
}
