package io.floe.ingest.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Position;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The position of a file source: the names of the files loaded so far, as a JSON array, sorted.
 * A file's name is its path relative to the project (see {@link FileMatcher#nameOf}).
 */
record LoadedFiles(Set<String> names) {
  private static final ObjectMapper JSON = new ObjectMapper();

  LoadedFiles {
    names = Set.copyOf(names);
  }

  static LoadedFiles of(Position position, String sourceName) {
    if (position.isStart()) {
      return new LoadedFiles(Set.of());
    }
    try {
      return new LoadedFiles(Set.copyOf(List.of(JSON.readValue(position.value(), String[].class))));
    } catch (JsonProcessingException e) {
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
      return new Position(JSON.writeValueAsString(new TreeSet<>(names)));
    } catch (JsonProcessingException e) {
      throw FloeException.internal(e, "Cannot write a file list position: %s", e.getMessage());
    }
  }
}
