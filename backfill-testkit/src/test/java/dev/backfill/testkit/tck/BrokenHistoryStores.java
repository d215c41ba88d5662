package dev.backfill.testkit.tck;

import dev.backfill.Guarantee;
import dev.backfill.PartitionKey;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The operator-view contract against a store written before it: one that implements the state
 * store's abstract methods only and keeps every default of the operator section. Run by
 * {@link RunHistoryContractCanFailTest}, never directly (it is meant to fail; nested, Surefire skips it).
 */
final class BrokenHistoryStores {
  private BrokenHistoryStores() {}

  /** Relies on the SPI's defaults: no listing across targets, no heartbeats, no cancel requests, no excerpts of retried attempts. */
  static final class DefaultsOnly extends InMemoryRunHistoryContractTest {
    @Override
    protected StateStore wrap(StateStore store) {
      return new OlderStore(store);
    }
  }

  /** Forwards the abstract methods of {@link StateStore} and nothing else. */
  private record OlderStore(StateStore d) implements StateStore {
    @Override
    public void createRun(RunRecord run, List<SliceRecord> slices) {
      d.createRun(run, slices);
    }

    @Override
    public Optional<RunRecord> run(String runId) {
      return d.run(runId);
    }

    @Override
    public List<RunRecord> runs(String target) {
      return d.runs(target);
    }

    @Override
    public void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message) {
      d.updateRun(runId, status, finishedAt, message);
    }

    @Override
    public List<SliceRecord> slices(String runId) {
      return d.slices(runId);
    }

    @Override
    public List<SliceAttempt> attempts(String runId) {
      return d.attempts(runId);
    }

    @Override
    public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
      return d.claim(runId, workerId, leaseTime);
    }

    @Override
    public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
      return d.renew(lease, leaseTime);
    }

    @Override
    public SliceLease nextAttempt(SliceLease lease, String error) {
      return d.nextAttempt(lease, error);
    }

    @Override
    public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
      d.complete(lease, outcome, transaction);
    }

    @Override
    public int reopen(String runId) {
      return d.reopen(runId);
    }

    @Override
    public int markPending(String runId, SliceStatus status, String message) {
      return d.markPending(runId, status, message);
    }

    @Override
    public void forEachPartitionState(String target, Consumer<PartitionState> action) {
      d.forEachPartitionState(target, action);
    }

    @Override
    public void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates) {
      d.invalidate(target, keys, runIdForNewStates);
    }

    @Override
    public Guarantee guaranteeWith(ResourceProvider destination) {
      return d.guaranteeWith(destination);
    }

    @Override
    public Instant now() {
      return d.now();
    }
  }
}
