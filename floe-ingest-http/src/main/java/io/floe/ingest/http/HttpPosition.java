package io.floe.ingest.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.floe.ingest.spi.Position;
import java.util.Map;

/**
 * Where an HTTP source stands, committed with the rows read up to it: which run (a complete read of
 * every window and item), the window and item being read and the state of the next page, the
 * largest cursor value seen and the {@code incremental.start} this run sends.
 *
 * @param run the read this position belongs to, from 1; a source without windows reads everything again each run
 * @param complete whether the run read every window and item
 * @param until where this run's windows end (ISO instant), or null without windows
 * @param window the start of the window being read (ISO instant); once complete, where windows ended
 * @param item the key of the item being read, or null for the first
 * @param page the state of the next page of the item's series, or null for its first page
 * @param cursor the largest value of {@code incremental.cursor-field} committed, or null
 * @param from the {@code incremental.start} value this run sends, or null
 * @param records records committed by every run so far
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HttpPosition(long run, boolean complete, String until, String window, String item, Map<String, String> page,
    String cursor, String from, long records) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static HttpPosition parse(Position position, String source) {
    try {
      return JSON.readValue(position.value(), HttpPosition.class);
    } catch (JsonProcessingException e) {
      throw io.floe.core.error.FloeException.internal(e, "Source '%s': cannot read its committed position %s",
          source, position.value());
    }
  }

  Position toPosition() {
    try {
      return new Position(JSON.writeValueAsString(this));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write position " + this, e);
    }
  }
}
