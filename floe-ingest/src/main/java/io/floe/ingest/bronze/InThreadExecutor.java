package io.floe.ingest.bronze;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task in the thread that submits it. A bronze append writes one manifest for a batch's
 * few files; on Iceberg's shared worker pool that write waits for a free thread, and the committer
 * polls for it in 10 ms sleeps ({@code Tasks.waitFor}): on 2 busy cores that cost 50-100 ms per
 * commit. Written by hand: the JDK has no direct executor service, and Guava's is relocated or
 * shaded in every jar that carries it.
 */
final class InThreadExecutor extends AbstractExecutorService {
  static final InThreadExecutor INSTANCE = new InThreadExecutor();

  private InThreadExecutor() {}

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  // Shared and stateless: it cannot be shut down, and has nothing to wait for.
  @Override
  public void shutdown() {
    throw new UnsupportedOperationException("The in-thread executor is shared and cannot be shut down");
  }

  @Override
  public List<Runnable> shutdownNow() {
    throw new UnsupportedOperationException("The in-thread executor is shared and cannot be shut down");
  }

  @Override
  public boolean isShutdown() {
    return false;
  }

  @Override
  public boolean isTerminated() {
    return false;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return false;
  }
}
