package dev.backfill.testkit.tck;

import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.ForwardingStateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The state-store contract against in-memory stores with one deliberate bug each; run by
 * {@link StateStoreContractCanFailTest}, never directly (they are meant to fail, and being nested
 * keeps Surefire from picking them up).
 */
final class BrokenStores {
  private BrokenStores() {}

  /** Swallows stale fencing tokens: a worker that lost its lease believes it committed. */
  static final class Unfenced extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      return new ForwardingStateStore(store) {
        @Override
        public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
          try {
            super.complete(lease, outcome, transaction);
          } catch (LeaseLostException e) {
            // the bug
          }
        }
      };
    }
  }

  /**
   * Finds nothing to claim while another claim is in flight, as {@code SKIP LOCKED} under
   * {@code REPEATABLE READ} did on MariaDB: workers stop while slices are left.
   */
  static final class GivesUpUnderContention extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      AtomicInteger claiming = new AtomicInteger();
      return new ForwardingStateStore(store) {
        @Override
        public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
          if (claiming.incrementAndGet() > 1) {
            claiming.decrementAndGet();
            return Optional.empty();
          }
          try {
            // a claim takes a round trip to a database
            Thread.sleep(2);
            return super.claim(runId, workerId, leaseTime);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
          } finally {
            claiming.decrementAndGet();
          }
        }
      };
    }
  }

  /** Finishes runs by reading the status and writing the new one apart: several workers can win. */
  static final class CheckThenActFinish extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      return new ForwardingStateStore(store) {
        @Override
        public boolean transitionRun(String runId, RunStatus from, RunStatus to, @Nullable Instant finishedAt,
            String message) {
          if (run(runId).map(RunRecord::status).orElse(null) != from) {
            return false;
          }
          try {
            // widens the window between check and act, as a round trip to a database would
            Thread.sleep(50);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          updateRun(runId, to, finishedAt, message);
          return true;
        }
      };
    }
  }

  /** Keeps only what {@code complete} records: the failed attempts that {@code nextAttempt} retries are lost. */
  static final class ForgetsRetriedAttempts extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      Set<String> retried = ConcurrentHashMap.newKeySet();
      return new ForwardingStateStore(store) {
        @Override
        public SliceLease nextAttempt(SliceLease lease, String error) {
          retried.add(lease.runId() + "/" + lease.index() + "/" + lease.attempt());
          return super.nextAttempt(lease, error);
        }

        @Override
        public List<SliceAttempt> attempts(String runId) {
          return super.attempts(runId).stream()
              .filter(a -> !retried.contains(a.runId() + "/" + a.index() + "/" + a.attempt())).toList();
        }
      };
    }
  }

  /** Answers {@code countSlices} from counts cached when the run was created and never updated. */
  static final class StaleCounts extends InMemoryStateStoreContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      Map<String, Map<SliceStatus, Integer>> cached = new ConcurrentHashMap<>();
      return new ForwardingStateStore(store) {
        @Override
        public void createRun(RunRecord run, List<SliceRecord> slices) {
          super.createRun(run, slices);
          Map<SliceStatus, Integer> counts = new EnumMap<>(SliceStatus.class);
          slices.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
          cached.put(run.runId(), counts);
        }

        @Override
        public Map<SliceStatus, Integer> countSlices(String runId) {
          return cached.get(runId);
        }
      };
    }
  }
}
