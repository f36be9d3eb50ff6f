package io.floe.ingest.postgres;

import static java.util.Objects.requireNonNull;

import io.floe.ingest.spi.Position;
import io.floe.ingest.spi.RejectedRow;
import io.floe.ingest.spi.RowStream;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Rows read and decoded on a thread of their own, a chunk ahead of the caller: receiving and decoding
 * a COPY then overlaps with what the caller does with each row (appending it to DuckDB), instead of
 * taking turns on one core.
 */
final class PrefetchedRows implements RowStream {
  private static final int CHUNK_ROWS = 1_024;
  private static final int CHUNKS_AHEAD = 32;
  private static final Object[][] END = new Object[0][];
  // How long a close waits for the reader to finish its row before it cancels the server's work.
  private static final long CANCEL_AFTER_MILLIS = 1_000;

  private final RowStream rows;
  private final Runnable cancel;
  private final BlockingQueue<Object[][]> chunks = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
  private final Thread reader;
  private volatile boolean closed;
  private volatile RuntimeException failure;
  private Object[][] chunk = new Object[0][];
  private int index;
  private boolean ended;

  /**
   * @param cancel stops the server sending rows, from another thread, so that a read waiting on it
   *     ends (with an error the closed stream ignores)
   */
  PrefetchedRows(RowStream rows, String threadName, Runnable cancel) {
    this.rows = requireNonNull(rows, "rows is null");
    this.cancel = requireNonNull(cancel, "cancel is null");
    this.reader = new Thread(this::readAll, threadName);
    reader.setDaemon(true);
    reader.start();
  }

  private void readAll() {
    try {
      Object[][] buffer = new Object[CHUNK_ROWS][];
      int filled = 0;
      while (!closed && rows.hasNext()) {
        buffer[filled++] = rows.next();
        if (filled == CHUNK_ROWS) {
          put(buffer);
          buffer = new Object[CHUNK_ROWS][];
          filled = 0;
        }
      }
      if (filled > 0) {
        put(Arrays.copyOf(buffer, filled));
      }
    } catch (RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new IllegalStateException("Interrupted while reading rows", e);
    } finally {
      try {
        put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // Waits for room, unless the caller closed the stream and takes no more.
  private void put(Object[][] rowsChunk) throws InterruptedException {
    while (!closed) {
      if (chunks.offer(rowsChunk, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  @Override
  public boolean hasNext() {
    while (index == chunk.length) {
      if (ended) {
        return false;
      }
      Object[][] next;
      try {
        next = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for rows", e);
      }
      if (next == END) {
        ended = true;
        if (failure != null) {
          throw failure;
        }
        return false;
      }
      chunk = next;
      index = 0;
    }
    return true;
  }

  @Override
  public Object[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return chunk[index++];
  }

  @Override
  public Optional<Position> endPosition() {
    return rows.endPosition();
  }

  @Override
  public List<RejectedRow> rejected() {
    return rows.rejected();
  }

  // The reader stops after the row it is reading. One still waiting for the server a second later
  // (a server that stalls, or holds the rows behind a lock) has the server's work cancelled instead of
  // waiting as long as the socket would (by default for ever). The rows are closed on this thread
  // once the reader has stopped.
  @Override
  public void close() {
    closed = true;
    try {
      reader.join(CANCEL_AFTER_MILLIS);
      if (reader.isAlive()) {
        cancel.run();
        reader.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      rows.close();
    }
  }
}
