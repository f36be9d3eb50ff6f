package io.floe.duckdb;

import io.floe.core.project.Locations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.shaded.org.apache.parquet.ParquetReadOptions;
import org.apache.iceberg.shaded.org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.iceberg.shaded.org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.iceberg.shaded.org.apache.parquet.io.LocalInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Parquet files DuckDB wrote in a staging directory, made data files of an Iceberg table (not committed). */
public final class StagedFiles {
  private static final Logger LOG = LoggerFactory.getLogger(StagedFiles.class);
  // Built once, without Hadoop: Iceberg's ParquetUtil.fileMetrics opens each file with options that
  // build a new Hadoop Configuration, which parses its default XML resources again every time (a
  // fifth of a model's Java time in a warm 1% rebuild of the e-commerce example went there).
  private static final ParquetReadOptions FOOTER_OPTIONS =
      ParquetReadOptions.builder(new PlainParquetConfiguration()).build();

  private StagedFiles() {}

  /**
   * The staged files moved into the table's data directory, as data files with their metrics. On
   * the local disk they move (a rename); on an object store (s3://) DuckDB cannot write (its httpfs
   * extension is a download), so each is copied through the table's own FileIO, with its metrics
   * read from the local copy's footer. Empty files (DuckDB writes one per idle thread) are left out.
   */
  public static List<DataFile> dataFiles(Table table, Path staging) {
    List<Path> stagedFiles;
    try (Stream<Path> staged = Files.exists(staging) ? Files.walk(staging) : Stream.empty()) {
      stagedFiles = staged.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the staged files of " + staging, e);
    }
    MetricsConfig metrics = MetricsConfig.forTable(table);
    List<DataFile> files = Locations.isLocal(table.location()) ? moveInto(table, staging, stagedFiles, metrics)
        : copyThroughFileIo(table, staging, stagedFiles, metrics);
    return files.stream().filter(file -> file.recordCount() > 0).toList();
  }

  /**
   * A staged position delete file (file_path, pos) moved into the table's data directory, as a
   * delete file with its metrics: the bounds of file_path let a reader skip it for other data files.
   */
  public static DeleteFile positionDeletes(Table table, Path staged) {
    Path dataDir = Locations.localPath(table.location()).orElseThrow(() -> new IllegalStateException(
        "Not a local table: " + table.location())).resolve("data");
    try {
      Path moved = Files.move(staged, dataDir.resolve("floe-deletes-" + UUID.randomUUID() + ".parquet"));
      InputFile inputFile = table.io().newInputFile(Locations.uri(moved));
      return FileMetadata.deleteFileBuilder(table.spec()).ofPositionDeletes().withInputFile(inputFile)
          .withFormat(org.apache.iceberg.FileFormat.PARQUET)
          .withMetrics(footerMetrics(moved, MetricsConfig.forPositionDelete(table))).build();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move the staged delete file " + staged + " into " + dataDir, e);
    }
  }

  private static List<DataFile> moveInto(Table table, Path staging, List<Path> stagedFiles, MetricsConfig metrics) {
    Path dataDir = Locations.localPath(table.location()).orElseThrow(() -> new IllegalStateException(
        "Not a local table: " + table.location())).resolve("data");
    List<DataFile> files = new ArrayList<>();
    try {
      Files.createDirectories(dataDir);
      for (Path file : stagedFiles) {
        Path moved = Files.move(file, dataDir.resolve("floe-" + UUID.randomUUID() + ".parquet"));
        // Recorded as a URI, like the files Iceberg writes itself (see Locations).
        InputFile inputFile = table.io().newInputFile(Locations.uri(moved));
        files.add(partitioned(table, staging, file).withInputFile(inputFile)
            .withFormat(org.apache.iceberg.FileFormat.PARQUET)
            .withMetrics(footerMetrics(moved, metrics)).build());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot move the staged files into " + dataDir, e);
    }
    return files;
  }

  private static List<DataFile> copyThroughFileIo(Table table, Path staging, List<Path> stagedFiles,
      MetricsConfig metrics) {
    List<DataFile> files = new ArrayList<>();
    for (Path file : stagedFiles) {
      Metrics fileMetrics = footerMetrics(file, metrics);
      if (fileMetrics.recordCount() == 0) {
        continue; // DuckDB writes an empty file per idle thread: nothing to upload
      }
      String location = table.locationProvider().newDataLocation("floe-" + UUID.randomUUID() + ".parquet");
      org.apache.iceberg.io.OutputFile target = table.io().newOutputFile(location);
      try (java.io.OutputStream out = target.create()) {
        Files.copy(file, out);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot copy the staged file " + file + " to " + location, e);
      }
      files.add(partitioned(table, staging, file).withPath(location).withFileSizeInBytes(size(file))
          .withFormat(org.apache.iceberg.FileFormat.PARQUET).withMetrics(fileMetrics).build());
    }
    return files;
  }

  /** A local Parquet file's metrics, read from its footer as Iceberg's ParquetUtil.fileMetrics reads them. */
  static Metrics footerMetrics(Path file, MetricsConfig metrics) {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file), FOOTER_OPTIONS)) {
      return ParquetUtil.footerMetrics(reader.getFooter(), Stream.empty(), metrics);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Parquet footer of " + file, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file, e);
    }
  }

  /**
   * A data file builder with the file's partition: DuckDB writes a partitioned table's files in
   * directories floe_p0=value/floe_p1=value/... (see DuckDbExecutor.partitionValues), the values as
   * Iceberg reads them from a partition path.
   */
  private static DataFiles.Builder partitioned(Table table, Path staging, Path file) {
    DataFiles.Builder builder = DataFiles.builder(table.spec());
    if (table.spec().isUnpartitioned()) {
      return builder;
    }
    Path relative = staging.relativize(file).getParent();
    org.apache.iceberg.types.Types.StructType type = table.spec().partitionType();
    Object[] values = new Object[type.fields().size()];
    for (int i = 0; i < values.length; i++) {
      String directory = relative == null || i >= relative.getNameCount() ? "" : relative.getName(i).toString();
      String prefix = "floe_p" + i + "=";
      if (!directory.startsWith(prefix)) {
        throw new IllegalStateException("Staged file " + file + " is not in a directory " + prefix + "<value>");
      }
      String value = directory.substring(prefix.length());
      values[i] = value.equals("null") ? null
          : org.apache.iceberg.types.Conversions.fromPartitionString(type.fields().get(i).type(), value);
    }
    return builder.withPartition(new Partition(values));
  }

  /** A partition's values, which the builder copies. */
  private record Partition(Object[] values) implements org.apache.iceberg.StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("A staged file's partition is read only");
    }
  }

  /**
   * Removes a staging directory. Staged files left after a commit are none (they moved); after a
   * failure they are never referenced, so removing them loses nothing. A failure to remove them must
   * not hide the first.
   */
  public static void deleteQuietly(Path staging) {
    if (!Files.exists(staging)) {
      return;
    }
    try (Stream<Path> files = Files.walk(staging)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.warn("Cannot remove staging directory {}: {}", staging, e.getMessage());
    }
  }
}
