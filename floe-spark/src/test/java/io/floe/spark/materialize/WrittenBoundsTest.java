package io.floe.spark.materialize;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** The range of a column over written files, from the bounds Iceberg keeps for each file. */
class WrittenBoundsTest {
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.optional(2, "code", Types.StringType.get()),
      Types.NestedField.optional(3, "day", Types.DateType.get()),
      Types.NestedField.optional(4, "at", Types.TimestampType.withZone()),
      Types.NestedField.optional(5, "local", Types.TimestampType.withoutZone()),
      Types.NestedField.optional(6, "amount", Types.DecimalType.of(10, 2)),
      Types.NestedField.optional(7, "score", Types.DoubleType.get()));

  @Test
  void theRangeSpansEveryFilesBoundsInTheColumnsJavaType() {
    DataFile first = file("a", Map.of(1, 5L, 2, "b-17", 3, 19000, 4, 1_000_000L, 5, 2_000_000L,
        6, new BigDecimal("1.50"), 7, 1.0), Map.of(1, 40L, 2, "k-02", 3, 19010, 4, 5_000_000L, 5, 3_000_000L,
        6, new BigDecimal("9.99"), 7, 2.0));
    DataFile second = file("b", Map.of(1, 1L, 2, "c", 3, 19005, 4, 2_000_000L, 5, 1_000_000L,
        6, new BigDecimal("0.10"), 7, 0.5), Map.of(1, 30L, 2, "z", 3, 19020, 4, 3_000_000L, 5, 4_000_000L,
        6, new BigDecimal("5.00"), 7, 3.0));
    WrittenBounds bounds = WrittenBounds.of(SCHEMA, List.of(first, second));

    assertThat(bounds.range("id")).contains(List.of(1L, 40L));
    assertThat(bounds.range("CODE")).contains(List.of("b-17", "z"));
    assertThat(bounds.range("day")).contains(List.of(LocalDate.ofEpochDay(19000), LocalDate.ofEpochDay(19020)));
    assertThat(bounds.range("at")).contains(List.of(Instant.ofEpochSecond(1), Instant.ofEpochSecond(5)));
    assertThat(bounds.range("local")).contains(List.of(LocalDateTime.of(1970, 1, 1, 0, 0, 1),
        LocalDateTime.of(1970, 1, 1, 0, 0, 4)));
    assertThat(bounds.range("amount")).contains(List.of(new BigDecimal("0.10"), new BigDecimal("9.99")));
    // No literal compares as a double column does (NaN): the caller reads the rows instead.
    assertThat(bounds.range("score")).isEmpty();
    assertThat(bounds.range("missing")).isEmpty();
  }

  @Test
  void aFileWithoutABoundOrNoFileGivesNoRange() {
    DataFile bounded = file("a", Map.of(1, 5L, 2, "b"), Map.of(1, 40L, 2, "k"));
    // All its codes NULL, or the table keeps no bounds for the column: Iceberg records none.
    DataFile unbounded = file("b", Map.of(1, 1L), Map.of(1, 30L));

    assertThat(WrittenBounds.of(SCHEMA, List.of(bounded, unbounded)).range("id")).contains(List.of(1L, 40L));
    assertThat(WrittenBounds.of(SCHEMA, List.of(bounded, unbounded)).range("code")).isEmpty();
    assertThat(WrittenBounds.of(SCHEMA, List.of()).range("id")).isEmpty();
  }

  private static DataFile file(String name, Map<Integer, Object> lower, Map<Integer, Object> upper) {
    return DataFiles.builder(PartitionSpec.unpartitioned())
        .withPath("/tmp/warehouse/t/data/" + name + ".parquet")
        .withFormat(org.apache.iceberg.FileFormat.PARQUET)
        .withFileSizeInBytes(100)
        .withMetrics(new Metrics(10L, null, null, null, null, buffers(lower), buffers(upper)))
        .build();
  }

  private static Map<Integer, ByteBuffer> buffers(Map<Integer, Object> values) {
    Map<Integer, ByteBuffer> buffers = new java.util.HashMap<>();
    values.forEach((id, value) -> {
      Type type = SCHEMA.findType(id);
      buffers.put(id, Conversions.toByteBuffer(type, value));
    });
    return buffers;
  }
}
