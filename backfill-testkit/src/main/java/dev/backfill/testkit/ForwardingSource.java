package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Partition;
import dev.backfill.Slice;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SourceNode} that forwards every call, default methods included, to another one; extend it
 * to observe or change a few calls (the test kit's fault injection and crash simulation are built on
 * it). Forwarding the defaults matters: a wrapper that forgot {@link #availability} or
 * {@link #validate} would silently hide the wrapped source's retention or token checks.
 *
 * <pre>{@code
 * SourceNode<Row> counted = new ForwardingSource<>(orders) {
 *   public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) throws Exception {
 *     reads.incrementAndGet();
 *     super.read(slice, context, sink);
 *   }
 * };
 * }</pre>
 *
 * @param <T> record type
 */
public abstract class ForwardingSource<T> implements SourceNode<T> {
  private final SourceNode<T> delegate;

  /**
   * Wraps a source.
   *
   * @param delegate the source receiving the calls
   */
  protected ForwardingSource(SourceNode<T> delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the wrapped source.
   *
   * @return the delegate
   */
  public SourceNode<T> delegate() {
    return delegate;
  }

  @Override
  public void read(Slice slice, SliceContext context, RecordSink<? super T> sink) throws Exception {
    delegate.read(slice, context, sink);
  }

  @Override
  public Availability availability(Partition partition) throws Exception {
    return delegate.availability(partition);
  }

  @Override
  public Optional<Estimate> estimate(Partition partition) throws Exception {
    return delegate.estimate(partition);
  }

  @Override
  public Optional<java.util.Map<String, Integer>> columns(Slice sample) throws Exception {
    return delegate.columns(sample);
  }

  @Override
  public void validate(Set<String> tokens) {
    delegate.validate(tokens);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
