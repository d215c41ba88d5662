package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Guarantee;
import dev.backfill.PartitionKey;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.spi.PartitionState;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.spi.TargetLease;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StateStore} that forwards every call to another one; extend it to observe or change a
 * few calls (the test kit's fault injection, crash simulation and stepping gate are built on it).
 */
public abstract class ForwardingStateStore implements StateStore {
  private final StateStore delegate;

  /**
   * Wraps a store.
   *
   * @param delegate the store receiving the calls
   */
  protected ForwardingStateStore(StateStore delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the wrapped store.
   *
   * @return the delegate
   */
  public StateStore delegate() {
    return delegate;
  }

  @Override
  public void createRun(RunRecord run, List<SliceRecord> slices) {
    delegate.createRun(run, slices);
  }

  @Override
  public Optional<RunRecord> run(String runId) {
    return delegate.run(runId);
  }

  @Override
  public List<RunRecord> runs(String target) {
    return delegate.runs(target);
  }

  @Override
  public void updateRun(String runId, RunStatus status, @Nullable Instant finishedAt, String message) {
    delegate.updateRun(runId, status, finishedAt, message);
  }

  @Override
  public boolean transitionRun(String runId, RunStatus from, RunStatus to, @Nullable Instant finishedAt, String message) {
    return delegate.transitionRun(runId, from, to, finishedAt, message);
  }

  @Override
  public java.util.Map<SliceStatus, Integer> countSlices(String runId) {
    return delegate.countSlices(runId);
  }

  @Override
  public List<dev.backfill.spi.SliceAttempt> attempts(String runId) {
    return delegate.attempts(runId);
  }

  @Override
  public List<dev.backfill.spi.SliceAttempt> attempts(String runId, int fromIndex, int limit) {
    return delegate.attempts(runId, fromIndex, limit);
  }

  @Override
  public List<SliceRecord> slices(String runId) {
    return delegate.slices(runId);
  }

  @Override
  public List<SliceRecord> slices(String runId, int fromIndex, int limit) {
    return delegate.slices(runId, fromIndex, limit);
  }

  @Override
  public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
    return delegate.claim(runId, workerId, leaseTime);
  }

  @Override
  public java.util.List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
    return delegate.claim(runId, workerId, leaseTime, max);
  }

  @Override
  public Optional<SliceLease> claimSlice(String runId, int index, String workerId, Duration leaseTime) {
    return delegate.claimSlice(runId, index, workerId, leaseTime);
  }

  @Override
  public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
    return delegate.renew(lease, leaseTime);
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error) {
    return delegate.nextAttempt(lease, error);
  }

  @Override
  public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
    delegate.complete(lease, outcome, transaction);
  }

  @Override
  public int reopen(String runId) {
    return delegate.reopen(runId);
  }

  @Override
  public int markPending(String runId, SliceStatus status, String message) {
    return delegate.markPending(runId, status, message);
  }

  @Override
  public void forEachPartitionState(String target, Consumer<PartitionState> action) {
    delegate.forEachPartitionState(target, action);
  }

  @Override
  public void invalidate(String target, Collection<PartitionKey> keys, String runIdForNewStates) {
    delegate.invalidate(target, keys, runIdForNewStates);
  }

  @Override
  public Guarantee guaranteeWith(ResourceProvider destination) {
    return delegate.guaranteeWith(destination);
  }

  @Override
  public Instant now() {
    return delegate.now();
  }

  @Override
  public TargetLease acquireTarget(String target, String runId, String workerId, Duration leaseTime) {
    return delegate.acquireTarget(target, runId, workerId, leaseTime);
  }

  @Override
  public boolean renewTarget(String target, String runId, Duration leaseTime) {
    return delegate.renewTarget(target, runId, leaseTime);
  }

  @Override
  public void releaseTarget(String target, String runId) {
    delegate.releaseTarget(target, runId);
  }

  @Override
  public Optional<TargetLease> targetLease(String target) {
    return delegate.targetLease(target);
  }

  @Override
  public boolean updateRunWithin(String runId, RunStatus status, Instant finishedAt, String message,
      ResourceProvider transaction) {
    return delegate.updateRunWithin(runId, status, finishedAt, message, transaction);
  }

  // ---------------------------------------------------------------------------------------------
  // Operator's view (issue 15)

  @Override
  public List<RunRecord> runs(dev.backfill.RunFilter filter) {
    return delegate.runs(filter);
  }

  @Override
  public void recordRunInfo(String runId, String json) {
    delegate.recordRunInfo(runId, json);
  }

  @Override
  public Optional<String> runInfo(String runId) {
    return delegate.runInfo(runId);
  }

  @Override
  public void heartbeat(String runId, String workerId, Duration leaseTime) {
    delegate.heartbeat(runId, workerId, leaseTime);
  }

  @Override
  public Optional<Instant> aliveUntil(String runId) {
    return delegate.aliveUntil(runId);
  }

  @Override
  public boolean requestCancel(String runId, dev.backfill.CancelMode mode, String requestedBy) {
    return delegate.requestCancel(runId, mode, requestedBy);
  }

  @Override
  public Optional<dev.backfill.spi.CancelRequest> cancelRequest(String runId) {
    return delegate.cancelRequest(runId);
  }

  @Override
  public void clearCancelRequest(String runId) {
    delegate.clearCancelRequest(runId);
  }

  @Override
  public SliceLease nextAttempt(SliceLease lease, String error, @Nullable String logExcerpt) {
    return delegate.nextAttempt(lease, error, logExcerpt);
  }
}
