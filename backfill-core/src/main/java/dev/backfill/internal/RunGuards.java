package dev.backfill.internal;

import dev.backfill.DestinationLock;
import dev.backfill.RunGuard;
import dev.backfill.RunStatus;
import dev.backfill.spi.Redaction;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run holds around its work in the process that starts or resumes it: the host's
 * {@link RunGuard}s (their {@code afterRun} always runs, in reverse order, for each guard whose
 * {@code beforeRun} returned) and the destination's {@link DestinationLock}.
 */
final class RunGuards {
  private static final Logger log = LoggerFactory.getLogger(RunGuards.class);

  private final RunGuard.GuardedRun run;
  private final Deque<RunGuard> entered = new ArrayDeque<>();
  private DestinationLock.@Nullable Held lock;
  private boolean released;

  RunGuards(RunGuard.GuardedRun run) {
    this.run = run;
  }

  /**
   * Enters every guard and takes the destination's lock; on a failure releases what it took and throws.
   *
   * @throws Exception the guard's refusal or the lock's timeout
   */
  void enter(Iterable<RunGuard> guards, Optional<DestinationLock> destinationLock, java.time.Duration lockWait)
      throws Exception {
    try {
      for (RunGuard g : guards) {
        g.beforeRun(run);
        entered.push(g);
      }
      if (destinationLock.isPresent()) {
        lock = destinationLock.get().acquire(lockWait);
        log.debug("run {} holds {}", run.runId(), destinationLock.get().describe());
      }
    } catch (Exception e) {
      release(RunStatus.FAILED);
      throw e;
    }
  }

  /** Releases the lock and leaves the guards in reverse order; never throws, runs once. */
  synchronized void release(RunStatus status) {
    if (released) {
      return;
    }
    released = true;
    if (lock != null) {
      try {
        lock.close();
      } catch (RuntimeException e) {
        log.warn("run {} could not release its destination lock: {}", run.runId(), Redaction.describe(e));
      }
    }
    while (!entered.isEmpty()) {
      RunGuard g = entered.pop();
      try {
        g.afterRun(run, status);
      } catch (RuntimeException | Error e) {
        log.warn("guard {} failed after run {}; the other guards still run: {}", g, run.runId(), Redaction.describe(e));
      }
    }
  }
}
