package io.floe.ingest.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  private final Function<JsonNode, Object> timestamp = JsonValues.converter("timestamp");

  @Test
  void theStrictShapeReadsAsTheFormatterReadsIt() {
    for (String text : List.of("2024-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1969-12-31T23:59:59.5Z",
        "2024-06-30T12:34:56.123456789Z", "2024-06-30T12:34:56.1+10:00", "2024-06-30T01:00:00-05:30",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999-18:00", "2024-06-30t12:00:00z",
        "2024-06-30T12:00:00+00:00")) {
      Instant expected = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      assertThat(IsoInstants.parse(text)).as(text).isEqualTo(expected);
      assertThat(timestamp.apply(JsonNodeFactory.instance.textNode(text))).as(text).isEqualTo(expected);
    }
  }

  @Test
  void otherShapesAreLeftToTheFormatterWhichReadsOrRejectsThem() {
    for (String text : List.of("2024-01-01T00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
        "2024-01-01T00:00:00+01:00:30", "2024-01-01T00:00:00+0100", "2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567891Z", "2024-1-01T00:00:00Z", "x024-01-01T00:00:00Z")) {
      assertThat(IsoInstants.parse(text)).as(text).isNull();
    }
    assertThat(timestamp.apply(JsonNodeFactory.instance.textNode("2024-01-01 10:00:00")))
        .isEqualTo(Instant.parse("2024-01-01T10:00:00Z"));
    assertThat(timestamp.apply(JsonNodeFactory.instance.textNode("2024-01-01T10:00+02:00")))
        .isEqualTo(Instant.parse("2024-01-01T08:00:00Z"));
    assertThatThrownBy(() -> timestamp.apply(JsonNodeFactory.instance.textNode("2024-13-01T00:00:00Z")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
