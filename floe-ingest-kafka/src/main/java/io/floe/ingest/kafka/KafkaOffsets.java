package io.floe.ingest.kafka;

import io.floe.ingest.spi.Position;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A Kafka source's position: for each partition of its topic, the offset of the next record to
 * read ({@code 0:1520,1:1498}). A partition not named starts at its beginning.
 */
final class KafkaOffsets {
  private KafkaOffsets() {}

  static SortedMap<Integer, Long> parse(Position position) {
    SortedMap<Integer, Long> offsets = new TreeMap<>();
    if (position.isStart()) {
      return offsets;
    }
    for (String pair : position.value().split(",")) {
      int colon = pair.indexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("Invalid Kafka position: expected partition:offset pairs such as"
            + " 0:15,1:7, but was: " + position.value());
      }
      offsets.put(Integer.parseInt(pair.substring(0, colon).strip()), Long.parseLong(pair.substring(colon + 1).strip()));
    }
    return offsets;
  }

  static Position position(Map<Integer, Long> offsets) {
    if (offsets.isEmpty()) {
      return Position.START;
    }
    return new Position(new TreeMap<>(offsets).entrySet().stream()
        .map(entry -> entry.getKey() + ":" + entry.getValue()).collect(Collectors.joining(",")));
  }

  /** How many records lie between two positions, summed over the partitions. */
  static long distance(Map<Integer, Long> from, Map<Integer, Long> to) {
    long total = 0;
    for (Map.Entry<Integer, Long> end : to.entrySet()) {
      total += Math.max(0, end.getValue() - from.getOrDefault(end.getKey(), 0L));
    }
    return total;
  }
}
