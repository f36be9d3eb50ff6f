package io.floe.ingest.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Position;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The position of a file source: the names of the files loaded so far, as a JSON array, sorted.
 * A file's name is its path relative to the project (see {@link FileMatcher#nameOf}). Every
 * snapshot's summary holds the whole list, so a long one is stored gzipped (file names compress
 * about tenfold); a source of many thousands of files wants a watermark instead (see the README).
 */
record LoadedFiles(Set<String> names) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GZIP_PREFIX = "gzip:";
  private static final int GZIP_ABOVE_CHARS = 1024;

  LoadedFiles {
    names = Set.copyOf(names);
  }

  static LoadedFiles of(Position position, String sourceName) {
    if (position.isStart()) {
      return new LoadedFiles(Set.of());
    }
    try {
      String json = position.value().startsWith(GZIP_PREFIX) ? gunzip(position.value()) : position.value();
      return new LoadedFiles(Set.copyOf(List.of(JSON.readValue(json, String[].class))));
    } catch (IOException | IllegalArgumentException e) {
      throw FloeException.internal(e, "Cannot read the position of source '%s': expected a JSON array of file "
          + "names, but was: %.80s", sourceName, position.value());
    }
  }

  boolean contains(String name) {
    return names.contains(name);
  }

  LoadedFiles plus(Collection<String> more) {
    Set<String> all = new TreeSet<>(names);
    all.addAll(more);
    return new LoadedFiles(all);
  }

  Position position() {
    try {
      String json = JSON.writeValueAsString(new TreeSet<>(names));
      return new Position(json.length() > GZIP_ABOVE_CHARS ? gzip(json) : json);
    } catch (IOException e) {
      throw FloeException.internal(e, "Cannot write a file list position: %s", e.getMessage());
    }
  }

  private static String gzip(String json) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    }
    return GZIP_PREFIX + Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  private static String gunzip(String value) throws IOException {
    byte[] bytes = Base64.getDecoder().decode(value.substring(GZIP_PREFIX.length()));
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
