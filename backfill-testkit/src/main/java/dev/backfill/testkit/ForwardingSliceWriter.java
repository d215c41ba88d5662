package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.SliceStats;
import dev.backfill.spi.SliceWriter;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SliceWriter} that forwards every call, default methods included, to another one; extend
 * it to observe or change a few calls of one slice's writer (returned from a
 * {@link ForwardingDestination}'s {@code open}). {@link #transfer} and {@link #resource} are forwarded
 * too, so a wrapped pushdown writer still moves its data and a JDBC state store still finds the
 * writer's connection.
 *
 * <pre>{@code
 * public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
 *   return new ForwardingSliceWriter<>(super.open(slice, strategy, context)) {
 *     public void commit() throws Exception {
 *       commits.incrementAndGet();
 *       super.commit();
 *     }
 *   };
 * }
 * }</pre>
 *
 * @param <T> record type
 */
public abstract class ForwardingSliceWriter<T> implements SliceWriter<T> {
  private final SliceWriter<T> delegate;

  /**
   * Wraps a writer.
   *
   * @param delegate the writer receiving the calls
   */
  protected ForwardingSliceWriter(SliceWriter<T> delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the wrapped writer.
   *
   * @return the delegate
   */
  public SliceWriter<T> delegate() {
    return delegate;
  }

  @Override
  public void write(List<? extends T> batch) throws Exception {
    delegate.write(batch);
  }

  @Override
  public void transfer() throws Exception {
    delegate.transfer();
  }

  @Override
  public SliceStats stats() throws Exception {
    return delegate.stats();
  }

  @Override
  public void commit() throws Exception {
    delegate.commit();
  }

  @Override
  public void abort() {
    delegate.abort();
  }

  @Override
  public <R> Optional<R> resource(Class<R> type) {
    return delegate.resource(type);
  }
}
