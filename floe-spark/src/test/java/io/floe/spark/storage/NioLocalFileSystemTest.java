package io.floe.spark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir
  Path dir;

  @Test
  void everyHadoopConfigurationGetsTheLocalFileSystemThatSetsPermissionsWithoutAProcessAndKeepsNoChecksumFiles() throws Exception {
    HadoopSettings.apply();
    Configuration conf = new Configuration();
    assertThat(conf.get("fs.file.impl")).isEqualTo(NioLocalFileSystem.class.getName());
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), conf)) {
      assertThat(fs).isInstanceOf(NioLocalFileSystem.class);
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("a/b/data.txt").toUri());
      try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20,
          null)) {
        out.writeBytes("rows");
      }
      assertThat(Files.readString(dir.resolve("a/b/data.txt"))).isEqualTo("rows");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/data.txt"))))
          .isEqualTo("rw-r-----");
      fs.setPermission(file, new FsPermission((short) 0754));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/data.txt"))))
          .isEqualTo("rwxr-xr--");
      // No checksum file is written, and one an earlier version wrote (here a wrong one) is not read.
      assertThat(dir.resolve("a/b/.data.txt.crc")).doesNotExist();
      Files.write(dir.resolve("a/b/.data.txt.crc"), new byte[] {'c', 'r', 'c', 0, 0, 0, 2, 0, 1, 2, 3, 4});
      try (FSDataInputStream in = fs.open(file)) {
        assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("rows");
      }
    }
  }
}
