package io.floe.ingest.bronze;

import io.floe.core.error.FloeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the line numbers of rejected records. Spark does not report them, so the files that have
 * rejects are read once more on the driver and each raw record is matched to the first unclaimed
 * line with the same text (a record spanning lines by its first line); records rebuilt from quoted
 * fields may not match and get no line.
 */
final class RejectLines {
  private RejectLines() {}

  /**
   * The 1-based line of each reject, in the order given, null where none matched.
   *
   * @param rejects the file URI and raw record of each reject
   */
  static Long[] locate(List<String[]> rejects, String encoding) {
    Long[] lines = new Long[rejects.size()];
    Map<String, Map<String, Deque<Integer>>> wantedByFile = new HashMap<>();
    for (int i = 0; i < rejects.size(); i++) {
      String[] reject = rejects.get(i);
      if (reject[0] != null && reject[1] != null) {
        wantedByFile.computeIfAbsent(reject[0], file -> new HashMap<>())
            .computeIfAbsent(firstLine(reject[1]), raw -> new ArrayDeque<>()).add(i);
      }
    }
    wantedByFile.forEach((file, wanted) -> scan(file, wanted, encoding, lines));
    return lines;
  }

  // A record with a quoted line break starts on the line that holds its first physical line.
  private static String firstLine(String raw) {
    int end = raw.indexOf('\n');
    String first = end < 0 ? raw : raw.substring(0, end);
    return first.endsWith("\r") ? first.substring(0, first.length() - 1) : first;
  }

  private static void scan(String fileUri, Map<String, Deque<Integer>> wanted, String encoding, Long[] lines) {
    Path file = Path.of(URI.create(fileUri));
    try (BufferedReader reader = FileHeaders.open(file, encoding)) {
      String line;
      long number = 0;
      int remaining = wanted.values().stream().mapToInt(Deque::size).sum();
      while (remaining > 0 && (line = reader.readLine()) != null) {
        number++;
        Deque<Integer> indexes = wanted.get(line);
        if (indexes != null && !indexes.isEmpty()) {
          lines[indexes.poll()] = number;
          remaining--;
        }
      }
    } catch (IOException e) {
      throw FloeException.external(e, "Cannot read %s to locate rejected records: %s", file, e.getMessage());
    }
  }
}
