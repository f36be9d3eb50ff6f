package io.floe.runtime.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.floe.core.error.ErrorCategory;
import io.floe.core.error.FloeException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectLockTest {
  @TempDir Path stateDir;

  @Test
  void aSecondWriterIsAConflictThatNamesTheHolder() {
    try (ProjectLock held = ProjectLock.acquire(stateDir, "floe build (run r1)", Duration.ZERO)) {
      assertThatThrownBy(() -> ProjectLock.acquire(stateDir, "floe ingest (run r2)", Duration.ZERO))
          .isInstanceOf(FloeException.class)
          .hasMessageStartingWith("Cannot start: another Floe run is writing to this project (floe build (run r1), pid ")
          .hasMessageEndingWith("Wait for it to finish, or pass --wait to queue behind it.")
          .extracting(error -> ((FloeException) error).category()).isEqualTo(ErrorCategory.CONFLICT);
      assertThat(ProjectLock.isHeld(stateDir)).isTrue();
    }
    assertThat(ProjectLock.isHeld(stateDir)).isFalse();
    ProjectLock.acquire(stateDir, "floe ingest (run r3)", Duration.ZERO).close();
  }

  /**
   * A writer that meets the lock in the moment between another process taking it and writing who it is
   * (a lock file made just now is empty then) still names that holder, not "starting".
   */
  @Test
  void aHolderThatWritesItsNameJustAfterTakingTheLockIsNamed() throws Exception {
    Path file = Files.createDirectories(stateDir).resolve(ProjectLock.FILE_NAME);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
      CompletableFuture<Integer> named = CompletableFuture.supplyAsync(() -> {
        try {
          Thread.sleep(300);
          return channel.write(ByteBuffer.wrap("floe build (run r1), pid 1\n".getBytes(StandardCharsets.UTF_8)), 0);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThatThrownBy(() -> ProjectLock.acquire(stateDir, "floe ingest (run r2)", Duration.ZERO))
          .hasMessageStartingWith("Cannot start: another Floe run is writing to this project (floe build (run r1), pid 1)");
      named.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWaitingWriterStartsWhenTheHolderFinishes() throws Exception {
    ProjectLock held = ProjectLock.acquire(stateDir, "floe build (run r1)", Duration.ZERO);
    CompletableFuture<ProjectLock> waiting = CompletableFuture.supplyAsync(
        () -> ProjectLock.acquire(stateDir, "floe build (run r2)", Duration.ofSeconds(30)));
    Thread.sleep(500);
    assertThat(waiting).isNotDone();

    held.close();

    waiting.get(10, TimeUnit.SECONDS).close();
  }

  @Test
  void aKilledHolderNeverLeavesTheLockStuck() throws Exception {
    Process holder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), stateDir.toString()))
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> ProjectLock.acquire(stateDir, "floe build", Duration.ZERO))
          .hasMessageContaining("another Floe run is writing to this project (held by a test");

      holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);   // SIGKILL: no shutdown hook runs

      ProjectLock.acquire(stateDir, "floe build", Duration.ZERO).close();
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Takes the lock in another JVM and holds it until killed. */
  public static final class HoldLock {
    public static void main(String[] args) throws InterruptedException {
      ProjectLock.acquire(Path.of(args[0]), "held by a test", Duration.ZERO);
      // The parent reads this line from the process's stdout.
      java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
          StandardCharsets.UTF_8);
      out.println("locked");
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
