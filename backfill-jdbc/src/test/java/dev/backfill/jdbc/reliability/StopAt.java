package dev.backfill.jdbc.reliability;

import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.ForwardingDestination;
import dev.backfill.testkit.ForwardingStateStore;
import org.jspecify.annotations.Nullable;

/**
 * Moments of a run's end at which a child JVM stops and waits to be killed (SIGKILL by the parent):
 * it prints {@code @@ AT <point>} and blocks, so the kill lands exactly there.
 */
enum StopAt {
  /** Every slice committed; the destination's end (a full rebuild's swap) has not started. */
  BEFORE_SWAP,
  /** The destination's end committed (the swap); the executor has not recorded the run's status itself. */
  AFTER_SWAP,
  /** The run's final status is recorded; its hold on the target is not released. */
  AFTER_STATUS;

  static <T> DestinationNode<T> destination(DestinationNode<T> d, @Nullable String stop) {
    if (stop == null) {
      return d;
    }
    StopAt at = valueOf(stop);
    return new ForwardingDestination<>(d) {
      @Override
      public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
        if (at == BEFORE_SWAP && outcome.succeeded()) {
          park(at);
        }
        super.finishRun(run, outcome, commit);
        if (at == AFTER_SWAP && outcome.succeeded()) {
          park(at);
        }
      }
    };
  }

  static StateStore store(StateStore s, @Nullable String stop) {
    if (stop == null || valueOf(stop) != AFTER_STATUS) {
      return s;
    }
    return new ForwardingStateStore(s) {
      @Override
      public void releaseTarget(String target, String runId) {
        park(AFTER_STATUS);
      }

    };
  }

  /** Prints where the child is and waits to be killed. */
  static void park(StopAt at) {
    System.out.println(ChildJvm.MARKER + "AT " + at);
    System.out.flush();
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        // a dying process ignores interrupts: only SIGKILL ends it here
      }
    }
  }
}
