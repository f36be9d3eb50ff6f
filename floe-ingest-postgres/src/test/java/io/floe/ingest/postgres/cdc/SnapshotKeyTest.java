package io.floe.ingest.postgres.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.postgres.TestPostgres;
import io.floe.ingest.postgres.cdc.PgOutputMessage.RelationColumn;
import io.floe.ingest.spi.Position;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The chunked snapshot's key order: Java must order keys from the log exactly as PostgreSQL
 * orders the snapshot's rows, or a resumed snapshot would skip or repeat a change.
 */
class SnapshotKeyTest {
  private static final int INT8 = 20;
  private static final int TEXT = 25;
  private static final int UUID = 2950;

  @Test
  void javaOrdersTextUuidAndIntegerKeysAsPostgresOrdersTheSnapshot() {
    TestPostgres.execute("DROP TABLE IF EXISTS keys",
        "CREATE TABLE keys (t text, u uuid, n bigint, PRIMARY KEY (t, u, n))",
        // Characters above the BMP sort after U+FFFD by code point, before it by UTF-16 unit.
        "INSERT INTO keys SELECT t, md5(t || (g % 3))::uuid, (g - 50)::bigint * 1000000007 FROM unnest(ARRAY['', 'a', 'B', 'a ',"
            + " 'ab', 'é', 'z', '中', '\uFFFD', '\uD83D\uDE00', 'Z9', '10', '9']) t, generate_series(1, 20) g");
    SnapshotKey key = SnapshotKey.of(List.of(new RelationColumn(true, "t", TEXT, -1),
        new RelationColumn(true, "u", UUID, -1), new RelationColumn(true, "n", INT8, -1),
        new RelationColumn(false, "other", TEXT, -1)), true).orElseThrow();

    List<List<String>> postgres = new ArrayList<>();
    for (List<Object> row : PostgresCdcTest.postgres("SELECT t, u::text, n::text FROM keys k ORDER BY " + key.orderBy("k"))) {
      postgres.add(row.stream().map(String::valueOf).toList());
    }
    List<List<String>> sorted = new ArrayList<>(postgres);
    Collections.shuffle(sorted, new Random(7));
    sorted.sort(key::compare);

    assertThat(sorted).hasSize(260).isEqualTo(postgres);
    // And PostgreSQL's condition for "after a key" agrees with Java's comparison.
    List<String> middle = postgres.get(130);
    List<Object> after = PostgresCdcTest.postgres("SELECT count(*) FROM keys k WHERE " + key.after("k")
        .replaceFirst("\\?", "'" + middle.get(0) + "'").replaceFirst("\\?", "'" + middle.get(1) + "'")
        .replaceFirst("\\?", middle.get(2))).get(0);
    assertThat(after.get(0)).isEqualTo(129L);
  }

  @Test
  void aKeyWithoutAJavaOrderIsNotChunked() {
    assertThat(SnapshotKey.of(List.of(new RelationColumn(true, "amount", 1700, -1)), true)).isEmpty();
    assertThat(SnapshotKey.of(List.of(new RelationColumn(true, "name", TEXT, -1)), false)).isEmpty();
    assertThat(SnapshotKey.of(List.of(new RelationColumn(false, "name", TEXT, -1)), true)).isEmpty();
  }

  @Test
  void aPositionRoundTripsAndAPlainLogPositionStaysPlain() {
    CdcPosition plain = CdcPosition.parse("s", new Position("0/16B3D80"));
    assertThat(plain.toPosition().value()).isEqualTo("0/16B3D80");
    CdcPosition resumed = new CdcPosition(plain.lsn(), List.of("id"), Optional.of(List.of("300")), List.of())
        .resumedAt(0x2000000L).snapshotAt(List.of("600"));
    CdcPosition again = CdcPosition.parse("s", resumed.toPosition());
    assertThat(again).isEqualTo(resumed);
    assertThat(again.segmentsEnd()).isEqualTo(0x2000000L);
    assertThat(again.snapshotDone().streamedTo(0x1000000L).toPosition().value()).startsWith("{");
    assertThat(again.snapshotDone().streamedTo(0x2000000L).toPosition().value()).isEqualTo("0/2000000");
  }
}
