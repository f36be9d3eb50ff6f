package io.floe.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterIdTest {
  @TempDir Path dir;

  @Test
  void aProjectKeepsTheIdItsFirstRunMade() {
    Path state = dir.resolve(".floe");
    String id = WriterId.of(state);
    assertThat(id).matches("[0-9a-f]{12}");
    assertThat(WriterId.of(state)).isEqualTo(id);
    assertThat(WriterId.of(dir.resolve("other/.floe"))).isNotEqualTo(id);
  }

  @Test
  void runsThatMakeItAtOnceAllGetTheSameId() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path state = dir.resolve("p" + round + "/.floe");
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Callable<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          calls.add(() -> WriterId.of(state));
        }
        Set<String> ids = new java.util.HashSet<>();
        for (Future<String> id : threads.invokeAll(calls)) {
          ids.add(id.get());
        }
        assertThat(ids).hasSize(1);
        try (var files = Files.list(state)) {
          assertThat(files.map(file -> file.getFileName().toString()).collect(Collectors.toList()))
              .containsExactly(WriterId.FILE_NAME);
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @Test
  void anEditedFileIsAnErrorThatSaysWhatToDo() throws Exception {
    Path state = Files.createDirectories(dir.resolve(".floe"));
    Files.writeString(state.resolve(WriterId.FILE_NAME), "mine\n");
    assertThatThrownBy(() -> WriterId.of(state)).isInstanceOf(FloeException.class)
        .hasMessageContaining(state.resolve(WriterId.FILE_NAME).toString()).hasMessageContaining("found 'mine'")
        .hasMessageContaining("Delete the file")
        .satisfies(e -> assertThat(((FloeException) e).category()).isEqualTo(ErrorCategory.USER));
  }
}
