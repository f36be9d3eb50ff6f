package io.floe.ingest.postgres.cdc;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Where a change table stands in its source: the log position to stream from, and, while the
 * initial snapshot is read in chunks or soon after, how far that snapshot got.
 *
 * <p>A snapshot read whole in one run lines up with the slot's start ({@link #lsn}). A run killed
 * after some of its chunks committed cannot see that snapshot again (an exported snapshot dies with
 * its connection), so the next run reads the rest of the table, by key, in a new snapshot that lines
 * up with a later log position; each such resumption is a {@link Segment}. Streaming then starts at
 * the slot's start as always, and a change the later snapshot already shows (its transaction
 * committed before the segment's position, its key in the segment) is not written again.
 *
 * <p>Stored as the bare log position ({@code 0/16B3D80}) when there is nothing more to say, as every
 * change table written before chunked snapshots has it; as JSON otherwise.
 *
 * @param lsn the log position streaming starts after: the slot's start until the snapshot is
 *     read, then the end of the last transaction committed
 * @param key the table's primary key columns, in the order keys are compared; empty when the
 *     position needs none
 * @param snapshotAfter while the snapshot is being read: the key of the last row committed (empty
 *     before the first chunk); absent once the snapshot is read
 * @param segments the parts of the snapshot read by later snapshots, in key order
 */
record CdcPosition(long lsn, List<String> key, Optional<List<String>> snapshotAfter, List<Segment> segments) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The rows whose key is past {@code after} were read in a snapshot that lines up with log position
   * {@code at} (up to the next segment's key).
   */
  record Segment(List<String> after, long at) {
    Segment {
      after = List.copyOf(after);
    }
  }

  CdcPosition {
    requireNonNull(key, "key is null");
    requireNonNull(snapshotAfter, "snapshotAfter is null");
    key = List.copyOf(key);
    snapshotAfter = snapshotAfter.map(List::copyOf);
    segments = List.copyOf(segments);
  }

  /** A plain log position: the snapshot is read and no later snapshot overlaps the log after it. */
  static CdcPosition streaming(long lsn) {
    return new CdcPosition(lsn, List.of(), Optional.empty(), List.of());
  }

  boolean inSnapshot() {
    return snapshotAfter.isPresent();
  }

  /** The log position past which no segment's snapshot reaches: changes after it are all new. */
  long segmentsEnd() {
    return segments.stream().mapToLong(Segment::at).max().orElse(-1);
  }

  /** This position with the snapshot read up to (and including) the row keyed {@code lastKey}. */
  CdcPosition snapshotAt(List<String> lastKey) {
    return new CdcPosition(lsn, key, Optional.of(lastKey), segments);
  }

  /** This position with the snapshot read to the end. */
  CdcPosition snapshotDone() {
    return new CdcPosition(lsn, key, Optional.empty(), segments);
  }

  /** This position with the rest of the snapshot, past its last key, read in a snapshot at {@code at}. */
  CdcPosition resumedAt(long at) {
    List<Segment> more = new ArrayList<>(segments);
    more.add(new Segment(snapshotAfter.orElseThrow(), at));
    return new CdcPosition(lsn, key, snapshotAfter, more);
  }

  /**
   * This position after streaming to {@code end}: the segments stay until the log passes the last
   * of them, so that a run resumed before then still skips what they hold.
   */
  CdcPosition streamedTo(long end) {
    return end >= segmentsEnd() ? streaming(end) : new CdcPosition(end, key, Optional.empty(), segments);
  }

  Position toPosition() {
    if (snapshotAfter.isEmpty() && segments.isEmpty()) {
      return new Position(LogSequenceNumber.valueOf(lsn).asString());
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("lsn", LogSequenceNumber.valueOf(lsn).asString());
    key.forEach(node.putArray("key")::add);
    snapshotAfter.ifPresent(after -> after.forEach(node.putArray("snapshot-after")::add));
    if (!segments.isEmpty()) {
      ArrayNode array = node.putArray("segments");
      for (Segment segment : segments) {
        ObjectNode entry = array.addObject();
        segment.after().forEach(entry.putArray("after")::add);
        entry.put("at", LogSequenceNumber.valueOf(segment.at()).asString());
      }
    }
    return new Position(node.toString());
  }

  static CdcPosition parse(String source, Position position) {
    String value = position.value().strip();
    if (!value.startsWith("{")) {
      return streaming(lsn(source, value));
    }
    try {
      JsonNode node = JSON.readTree(value);
      List<Segment> segments = new ArrayList<>();
      for (JsonNode segment : node.path("segments")) {
        segments.add(new Segment(texts(segment.path("after")), lsn(source, segment.path("at").asText())));
      }
      Optional<List<String>> after = node.has("snapshot-after") ? Optional.of(texts(node.get("snapshot-after")))
          : Optional.empty();
      return new CdcPosition(lsn(source, node.path("lsn").asText()), texts(node.path("key")), after, segments);
    } catch (JsonProcessingException e) {
      throw invalid(source, value);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  private static long lsn(String source, String text) {
    try {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(text);
      if (lsn.equals(LogSequenceNumber.INVALID_LSN) && !text.equals("0/0")) {
        throw invalid(source, text);
      }
      return lsn.asLong();
    } catch (NumberFormatException e) {
      throw invalid(source, text);
    }
  }

  private static FloeException invalid(String source, String value) {
    return FloeException.user("Invalid position of source %s in its table's last snapshot: expected a log"
        + " position such as 0/16B3D80 or Floe's JSON snapshot progress, but was: %s. Load the table again from a"
        + " new snapshot (floe ingest %s --full-refresh).", source, value, source);
  }
}
