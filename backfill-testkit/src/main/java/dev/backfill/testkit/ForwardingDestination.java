package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Partitioning;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link DestinationNode} that forwards every call, default methods included, to another one;
 * extend it to observe or change a few calls (the test kit's fault injection and crash simulation are
 * built on it). Wrap the writers it opens in a {@link ForwardingSliceWriter} to reach slice-level
 * calls. {@link #resource} is forwarded too, so a JDBC state store still joins the wrapped
 * destination's transaction (exactly-once is kept through the wrapper).
 *
 * <pre>{@code
 * DestinationNode<Row> noSwap = new ForwardingDestination<>(mart) {
 *   public void finishRun(RunContext run, RunOutcome outcome) {
 *     // a process that died before the swap
 *   }
 * };
 * }</pre>
 *
 * @param <T> record type
 */
public abstract class ForwardingDestination<T> implements DestinationNode<T> {
  private final DestinationNode<T> delegate;

  /**
   * Wraps a destination.
   *
   * @param delegate the destination receiving the calls
   */
  protected ForwardingDestination(DestinationNode<T> delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the wrapped destination.
   *
   * @return the delegate
   */
  public DestinationNode<T> delegate() {
    return delegate;
  }

  @Override
  public void validate(WriteStrategy strategy, Partitioning partitioning) {
    delegate.validate(strategy, partitioning);
  }

  @Override
  public void validate(Set<String> tokens) {
    delegate.validate(tokens);
  }

  @Override
  public List<PreflightFinding> preflight(PreflightContext context) throws Exception {
    return delegate.preflight(context);
  }

  @Override
  public void beginRun(RunContext run) throws Exception {
    delegate.beginRun(run);
  }

  @Override
  public SliceWriter<T> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
    return delegate.open(slice, strategy, context);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome) throws Exception {
    delegate.finishRun(run, outcome);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
    delegate.finishRun(run, outcome, commit);
  }

  @Override
  public Optional<dev.backfill.DestinationLock> lock() {
    return delegate.lock();
  }

  @Override
  public boolean commitsInOneTransaction(WriteStrategy strategy) {
    return delegate.commitsInOneTransaction(strategy);
  }

  @Override
  public boolean isPushdown() {
    return delegate.isPushdown();
  }

  @Override
  public <R> Optional<R> resource(Class<R> type) {
    return delegate.resource(type);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
