package io.floe.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import io.floe.ingest.spi.RejectLimit;
import io.floe.ingest.spi.SourceColumn;
import io.floe.ingest.spi.SourceDefinition;
import io.floe.ingest.spi.WriteMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sources section is checked up front: types, unknown keys with file:line, values. No engine needed. */
class ProjectSourcesTest {
  @TempDir Path dir;

  @Test
  void readsEverySettingWithDefaults() {
    IngestFixture fixture = new IngestFixture(dir, """
          orders:
            type: csv
            path: data/orders_*.csv.gz
            mode: upsert
            primary-key: [id]
            partition-by: [days(ts)]
            sort-by: [ts]
            max-rejects: 1%
            hash: true
            csv:
              delimiter: ";"
              null-values: ["", NA]
            schema:
              id: bigint
              ts: timestamp
          events:
            type: json
            path: data/events
            target: raw.events
        """, null);

    List<SourceDefinition> sources = fixture.sources().all();

    SourceDefinition orders = sources.get(0);
    assertThat(orders.target()).isEqualTo("bronze.orders");
    assertThat(orders.mode()).isEqualTo(WriteMode.UPSERT);
    assertThat(orders.primaryKey()).containsExactly("id");
    assertThat(orders.partitionBy()).containsExactly("days(ts)");
    assertThat(orders.maxRejects().isExceeded(2, 100)).isTrue();
    assertThat(orders.maxRejects().isExceeded(1, 100)).isFalse();
    assertThat(orders.hash()).isTrue();
    assertThat(orders.schema()).contains(List.of(new SourceColumn("id", "bigint"), new SourceColumn("ts", "timestamp")));
    SourceDefinition events = sources.get(1);
    assertThat(events.target()).isEqualTo("raw.events");
    assertThat(events.mode()).isEqualTo(WriteMode.APPEND);
    assertThat(events.maxRejects()).isEqualTo(RejectLimit.NONE);
  }

  @Test
  void anUnknownKeyNamesFileLineAndTheClosestKey() {
    assertError("""
          orders:
            type: csv
            path: data/orders.csv
            csv:
              delimter: ";"
        """, "floe.yaml:7: Unknown key 'csv.delimter' in sources.orders. Did you mean 'csv.delimiter'?");
  }

  @Test
  void aKeyOfAnotherTypeIsUnknown() {
    assertError("""
          events:
            type: parquet
            path: data/*.parquet
            csv: {header: false}
        """, "floe.yaml:6: Unknown key 'csv' in sources.events. Valid keys: type, target, mode,");
  }

  @Test
  void anUnknownTypeSuggestsTheClosest() {
    assertError("""
          orders:
            type: jsn
            path: data/orders.csv
        """, "floe.yaml:4: Invalid value for sources.orders.type: expected one of [csv, json, parquet], "
        + "but was 'jsn'. Did you mean 'json'?");
  }

  @Test
  void upsertNeedsAPrimaryKey() {
    assertError("""
          orders:
            type: csv
            path: data/orders.csv
            mode: upsert
        """, "floe.yaml:6: Missing primary-key for sources.orders: mode upsert needs the key columns");
  }

  @Test
  void badValuesNameTheirLine() {
    assertError("""
          orders:
            type: csv
            path: data/orders.csv
            max-rejects: lots
        """, "floe.yaml:6: Invalid value for max-rejects: expected a count such as 100 or a ratio");
    assertError("""
          orders:
            type: csv
            path: data/orders.csv
            schema: {id: integr}
        """, "floe.yaml:6: Invalid type for column id: expected one of boolean");
    assertError("""
          orders:
            type: csv
            path: data/orders.csv
            csv: {delimiter: ";;"}
        """, "floe.yaml:6: Invalid value for csv.delimiter: expected one character, but was ';;'.");
    assertError("""
          orders:
            type: csv
        """, "floe.yaml:3: Missing required key 'path'.");
  }

  @Test
  void anUnknownSourceNameSuggestsTheClosest() {
    IngestFixture fixture = new IngestFixture(dir, """
          orders: {type: csv, path: data/orders.csv}
        """, null);
    assertThatThrownBy(() -> fixture.sources().select(List.of("order")))
        .hasMessage("Cannot find source 'order' in floe.yaml. Did you mean 'orders'? Sources: orders.");
  }

  private void assertError(String sourcesYaml, String message) {
    IngestFixture fixture = new IngestFixture(dir, sourcesYaml, null);
    assertThatThrownBy(fixture::sources)
        .isInstanceOf(FloeException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.USER));
  }
}
