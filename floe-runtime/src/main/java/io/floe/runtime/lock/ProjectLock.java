package io.floe.runtime.lock;

import static java.util.Objects.requireNonNull;

import io.floe.core.error.FloeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * One writer per project at a time: an exclusive lock on {@code .floe/floe.lock}, held by the
 * process that builds or ingests. It is the operating system's file lock, so a process that dies
 * (even by {@code kill -9}) releases it at once: a lock can never be left stuck. The file's text
 * says who holds it, for the message the next writer gets.
 */
public final class ProjectLock implements AutoCloseable {
  /** The lock file, under the project's state directory. */
  public static final String FILE_NAME = "floe.lock";
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration HOLDER_WRITES_WITHIN = Duration.ofSeconds(2);

  private final FileChannel channel;
  private final FileLock lock;

  private ProjectLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the project's lock.
   *
   * @param stateDir the project's {@code .floe} directory
   * @param holder what this process is doing, e.g. {@code floe build (run 20261130_101500_000)}
   * @param wait how long to wait for another writer to finish; zero to fail at once
   * @throws FloeException a {@link io.floe.core.error.ErrorCategory#CONFLICT} naming the holder when
   *     the lock is still held after {@code wait}
   */
  public static ProjectLock acquire(Path stateDir, String holder, Duration wait) {
    requireNonNull(holder, "holder is null");
    Path file = stateDir.resolve(FILE_NAME);
    Instant deadline = Instant.now().plus(wait);
    // Made before the lock is taken, so that the holder's text is written as soon after as can be.
    String who = holder + ", pid " + ProcessHandle.current().pid();
    try {
      Files.createDirectories(stateDir);
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      try {
        while (true) {
          FileLock lock = tryLock(channel);
          if (lock != null) {
            // Written over the old text, then cut to its length: a reader sees one holder's text or the other's.
            byte[] text = (who + ", since " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.write(ByteBuffer.wrap(text), 0);
            channel.truncate(text.length);
            channel.force(false);
            return new ProjectLock(channel, lock);
          }
          if (!Instant.now().isBefore(deadline)) {
            String other = holder(file);
            throw FloeException.conflict("Cannot start: another Floe run is writing to this project (%s). Wait for it "
                + "to finish, or pass --wait to queue behind it.", other.isEmpty() ? "starting" : other);
          }
          Thread.sleep(POLL.toMillis());
        }
      } catch (RuntimeException | InterruptedException e) {
        channel.close();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw FloeException.conflict(e, "Cannot start: interrupted while waiting for the project's lock %s", file);
        }
        throw (RuntimeException) e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file, e);
    }
  }

  // Who holds the lock, as its text says. A lock file made just now is empty until its first holder, which
  // writes its text right after it takes the lock, has written it: read again for a moment then.
  private static String holder(Path file) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(HOLDER_WRITES_WITHIN);
    String who = Files.readString(file, StandardCharsets.UTF_8).strip();
    while (who.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
      who = Files.readString(file, StandardCharsets.UTF_8).strip();
    }
    return who;
  }

  // A lock held by this JVM (another thread) is a conflict too, like one held by another process.
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  /** Whether some process holds the project's lock now (without taking it). */
  public static boolean isHeld(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = tryLock(channel);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check the lock " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot release the project's lock", e);
    }
  }
}
