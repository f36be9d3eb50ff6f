package io.floe.ingest.bronze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.FileFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** Reads the column names of text files on the driver: a CSV header line, or the keys of the first JSON lines. */
final class FileHeaders {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int JSON_SAMPLE_LINES = 1000;

  private FileHeaders() {}

  /** The columns a CSV file's first line names, split as {@code csv} splits fields. */
  static List<String> csvHeader(Path file, FileFormat.Csv csv) {
    try (BufferedReader reader = open(file, csv.encoding())) {
      String line = reader.readLine();
      if (line == null) {
        return List.of();
      }
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      return CsvLine.split(line, csv);
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read the header of %s: %s", file, e.getMessage());
    }
  }

  /**
   * The columns of a CSV file's header, checked: no name twice (Spark and Iceberg compare names
   * without case), and every declared column present. Empty for an empty file, which has no rows.
   *
   * @param declared the columns the source declares, if it does
   * @throws FloeException a user error naming the file, what it has and what was expected
   */
  static List<String> checkedCsvHeader(Path file, FileFormat.Csv csv, java.util.Optional<List<String>> declared) {
    List<String> header = csvHeader(file, csv);
    if (header.isEmpty()) {
      return header;
    }
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      Integer earlier = seen.putIfAbsent(header.get(i).toLowerCase(java.util.Locale.ROOT), i + 1);
      if (earlier != null) {
        throw FloeException.user("Cannot read %s: its header names the column '%s' twice (fields %d and %d); "
            + "column names must differ (ignoring case). Rename one in the file.", file, header.get(i), earlier, i + 1);
      }
    }
    if (declared.isPresent() && !header.containsAll(declared.get())) {
      throw FloeException.user("Cannot read %s: its header has the columns %s, but the source declares %s (the "
          + "delimiter is '%s'). Fix the source's csv.delimiter or schema in floe.yaml, or the file.", file, header,
          declared.get(), csv.delimiter());
    }
    return header;
  }

  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /**
   * Checks that a file is Parquet by its magic bytes at both ends ({@code PAR1}), so a truncated
   * file or a CSV named {@code .parquet} is one clear error, not a reader's stack trace.
   *
   * @throws FloeException a user error naming the file, what it starts with and what to do
   */
  static void checkParquet(Path file) {
    try (java.nio.channels.SeekableByteChannel channel = Files.newByteChannel(file)) {
      long size = channel.size();
      java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate((int) Math.min(size, 16));
      channel.read(head);
      java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(PARQUET_MAGIC.length);
      if (size >= 2L * PARQUET_MAGIC.length) {
        channel.position(size - PARQUET_MAGIC.length);
        channel.read(tail);
      }
      boolean starts = head.position() >= PARQUET_MAGIC.length
          && java.util.Arrays.equals(java.util.Arrays.copyOf(head.array(), PARQUET_MAGIC.length), PARQUET_MAGIC);
      boolean ends = tail.position() == PARQUET_MAGIC.length && java.util.Arrays.equals(tail.array(), PARQUET_MAGIC);
      if (size == 0) {
        throw FloeException.user("Cannot read %s: the file is empty, which is not a Parquet file (a Parquet file "
            + "starts and ends with 'PAR1'). Remove it or replace it with the complete file.", file);
      }
      if (!starts) {
        String seen = new String(head.array(), 0, head.position(), java.nio.charset.StandardCharsets.ISO_8859_1)
            .replaceAll("[^\\x20-\\x7e]", "?");
        throw FloeException.user("Cannot read %s: it is not a Parquet file (a Parquet file starts with 'PAR1'; "
            + "this one starts with '%s'). If it is CSV or JSON, declare a source of that type for it, or remove it.",
            file, seen);
      }
      if (!ends) {
        throw FloeException.user("Cannot read %s: the Parquet file is incomplete (it has %d bytes and does not end "
            + "with 'PAR1', the end of its footer): it was truncated or is still being written. Replace it with the "
            + "complete file, or remove it.", file, size);
      }
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read %s: %s", file, e.getMessage());
    }
  }

  /** The keys of the objects on the first lines of a JSON lines file, in the order first seen. */
  static Set<String> jsonKeys(Path file, String encoding) {
    Set<String> keys = new LinkedHashSet<>();
    try (BufferedReader reader = open(file, encoding)) {
      String line;
      for (int read = 0; read < JSON_SAMPLE_LINES && (line = reader.readLine()) != null; read++) {
        keysOf(line).forEachRemaining(keys::add);
      }
      java.util.Map<String, String> byLowerCase = new java.util.HashMap<>();
      for (String key : keys) {
        String other = byLowerCase.putIfAbsent(key.toLowerCase(java.util.Locale.ROOT), key);
        if (other != null) {
          throw FloeException.user("Cannot read %s: its objects have the keys '%s' and '%s', which differ only in "
              + "case; column names must differ ignoring case. Rename one in the data.", file, other, key);
        }
      }
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read %s: %s", file, e.getMessage());
    }
    return keys;
  }

  /** Opens a file as text, decompressing {@code .gz} files. */
  static BufferedReader open(Path file, String encoding) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return new BufferedReader(new InputStreamReader(in, Charset.forName(encoding)), 1 << 16);
  }

  // A malformed line has no keys; the reader rejects it with its line later.
  private static Iterator<String> keysOf(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      return node != null && node.isObject() ? node.fieldNames() : new ArrayList<String>().iterator();
    } catch (JsonProcessingException e) {
      return new ArrayList<String>().iterator();
    }
  }
}
