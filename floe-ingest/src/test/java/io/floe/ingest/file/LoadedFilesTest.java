package io.floe.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;

import io.floe.ingest.spi.Position;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The file-list position round-trips, small as readable JSON and large gzipped. */
class LoadedFilesTest {
  @Test
  void aShortListIsSortedJson() {
    Position position = new LoadedFiles(Set.of("in/b.csv", "in/a.csv")).position();

    assertThat(position.value()).isEqualTo("[\"in/a.csv\",\"in/b.csv\"]");
    assertThat(LoadedFiles.of(position, "s").names()).containsExactlyInAnyOrder("in/a.csv", "in/b.csv");
  }

  @Test
  void aLongListIsGzippedAndReadBack() {
    List<String> names = IntStream.range(0, 2000).mapToObj(i -> "landing/2026/orders_" + i + ".csv.gz").toList();

    Position position = new LoadedFiles(Set.copyOf(names)).position();

    assertThat(position.value()).startsWith("gzip:").hasSizeLessThan(names.size() * 8);
    assertThat(LoadedFiles.of(position, "s").names()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(LoadedFiles.of(Position.START, "s").names()).isEmpty();
  }
}
