package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Partitioning;
import dev.backfill.Sleeper;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DestinationNode} wrapper that injects failures, latency and holds into run hooks and slice
 * writers; made by {@link Faults#destination}. Resources ({@link #resource}) are forwarded from the
 * wrapped destination and its writers, so a JDBC state store still joins the writer's transaction.
 *
 * <pre>{@code
 * DestinationNode<Row> flaky = Faults.destination(mart)
 *     .failPartition(FaultyDestination.Op.COMMIT, "2024-03-03", 1, Failures::serializationFailure)
 *     .failOnCall(FaultyDestination.Op.FINISH_RUN, 1, Failures.bug("swap failed"));
 * }</pre>
 *
 * @param <T> record type
 */
public final class FaultyDestination<T> implements DestinationNode<T> {
  /** The operations a destination rule applies to. */
  public enum Op {
    /** {@link DestinationNode#beginRun}. */
    BEGIN_RUN,
    /** {@link DestinationNode#open}, before the wrapped destination opens the writer. */
    OPEN,
    /** {@link SliceWriter#write} (and {@link SliceWriter#transfer}), before the batch is written. */
    WRITE,
    /** {@link SliceWriter#commit}, before the wrapped writer commits. */
    COMMIT,
    /** {@link DestinationNode#finishRun}, before the wrapped destination finishes. */
    FINISH_RUN
  }

  private final DestinationNode<T> delegate;
  private final FaultRules<Op> rules = new FaultRules<>(Op.class);

  FaultyDestination(DestinationNode<T> delegate) {
    this.delegate = requireNonNull(delegate, "destination");
  }

  /**
   * Fails the n-th call of an operation.
   *
   * @param op the operation
   * @param n call number, from 1, counted over the wrapper's life
   * @param failure the exception to throw
   * @return this destination
   */
  public FaultyDestination<T> failOnCall(Op op, int n, Supplier<? extends Exception> failure) {
    rules.onCall(op, n, rules.fail(failure));
    return this;
  }

  /**
   * Fails the first {@code times} calls of an operation for slices containing a partition.
   *
   * @param op OPEN, WRITE or COMMIT
   * @param partitionKey canonical key
   * @param times how many calls fail
   * @param failure the exception to throw
   * @return this destination
   */
  public FaultyDestination<T> failPartition(Op op, String partitionKey, int times, Supplier<? extends Exception> failure) {
    rules.onPartition(op, partitionKey, times, rules.fail(failure));
    return this;
  }

  /**
   * Makes every call of an operation take a while, waited through a sleeper; see
   * {@link FaultySource#latency(Duration, Sleeper)} for how deadlines are honoured.
   *
   * @param op the operation
   * @param perCall latency of each call
   * @param sleeper how to wait
   * @return this destination
   */
  public FaultyDestination<T> latency(Op op, Duration perCall, Sleeper sleeper) {
    rules.always(op, null, rules.delay(perCall, sleeper));
    return this;
  }

  /**
   * Stops calls of an operation for slices containing a partition at a {@link Hold}.
   *
   * @param op OPEN, WRITE or COMMIT
   * @param partitionKey canonical key
   * @param hold the hold
   * @return this destination
   */
  public FaultyDestination<T> hold(Op op, String partitionKey, Hold hold) {
    rules.always(op, requireNonNull(partitionKey, "partitionKey"), rules.hold(hold));
    return this;
  }

  /**
   * Counts calls of an operation so far.
   *
   * @param op the operation
   * @return calls, failed ones included
   */
  public int calls(Op op) {
    return rules.calls(op);
  }

  /**
   * Counts the failures injected so far.
   *
   * @return injected failures
   */
  public int injectedFailures() {
    return rules.injected();
  }

  @Override
  public void validate(WriteStrategy strategy, Partitioning partitioning) {
    delegate.validate(strategy, partitioning);
  }

  @Override
  public void beginRun(RunContext run) throws Exception {
    rules.before(Op.BEGIN_RUN, List.of(), null);
    delegate.beginRun(run);
  }

  @Override
  public SliceWriter<T> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
    List<String> keys = slice.partitions().stream().map(p -> p.key().value()).toList();
    rules.before(Op.OPEN, keys, context);
    return new Writer(delegate.open(slice, strategy, context), keys, context);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome) throws Exception {
    rules.before(Op.FINISH_RUN, List.of(), null);
    delegate.finishRun(run, outcome);
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
    return delegate.describe() + " with injected faults";
  }

  /** Forwards to the wrapped writer after applying the rules. */
  private final class Writer implements SliceWriter<T> {
    private final SliceWriter<T> writer;
    private final List<String> keys;
    private final @Nullable SliceContext context;

    Writer(SliceWriter<T> writer, List<String> keys, SliceContext context) {
      this.writer = writer;
      this.keys = keys;
      this.context = context;
    }

    @Override
    public void write(List<? extends T> batch) throws Exception {
      rules.before(Op.WRITE, keys, context);
      writer.write(batch);
    }

    @Override
    public void transfer() throws Exception {
      rules.before(Op.WRITE, keys, context);
      writer.transfer();
    }

    @Override
    public SliceStats stats() throws Exception {
      return writer.stats();
    }

    @Override
    public void commit() throws Exception {
      rules.before(Op.COMMIT, keys, context);
      writer.commit();
    }

    @Override
    public void abort() {
      writer.abort();
    }

    @Override
    public <R> Optional<R> resource(Class<R> type) {
      return writer.resource(type);
    }
  }
}
