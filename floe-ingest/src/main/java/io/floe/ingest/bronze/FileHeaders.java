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

  /** The keys of the objects on the first lines of a JSON lines file, in the order first seen. */
  static Set<String> jsonKeys(Path file, String encoding) {
    Set<String> keys = new LinkedHashSet<>();
    try (BufferedReader reader = open(file, encoding)) {
      String line;
      for (int read = 0; read < JSON_SAMPLE_LINES && (line = reader.readLine()) != null; read++) {
        keysOf(line).forEachRemaining(keys::add);
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
