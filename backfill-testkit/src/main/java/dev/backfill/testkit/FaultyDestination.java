package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Sleeper;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

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
public final class FaultyDestination<T> extends ForwardingDestination<T> {
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

  private final FaultRules<Op> rules = new FaultRules<>(Op.class);

  FaultyDestination(DestinationNode<T> delegate) {
    super(requireNonNull(delegate, "destination"));
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
  public void beginRun(RunContext run) throws Exception {
    rules.before(Op.BEGIN_RUN, List.of(), null);
    super.beginRun(run);
  }

  @Override
  public SliceWriter<T> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
    List<String> keys = slice.partitions().stream().map(p -> p.key().value()).toList();
    rules.before(Op.OPEN, keys, context);
    return new Writer(super.open(slice, strategy, context), keys, context);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome) throws Exception {
    rules.before(Op.FINISH_RUN, List.of(), null);
    super.finishRun(run, outcome);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
    rules.before(Op.FINISH_RUN, List.of(), null);
    super.finishRun(run, outcome, commit);
  }

  @Override
  public String describe() {
    return super.describe() + " with injected faults";
  }

  /** Applies the rules before forwarding to the wrapped writer. */
  private final class Writer extends ForwardingSliceWriter<T> {
    private final List<String> keys;
    private final SliceContext context;

    Writer(SliceWriter<T> writer, List<String> keys, SliceContext context) {
      super(writer);
      this.keys = keys;
      this.context = context;
    }

    @Override
    public void write(List<? extends T> batch) throws Exception {
      rules.before(Op.WRITE, keys, context);
      super.write(batch);
    }

    @Override
    public void transfer() throws Exception {
      rules.before(Op.WRITE, keys, context);
      super.transfer();
    }

    @Override
    public void commit() throws Exception {
      rules.before(Op.COMMIT, keys, context);
      super.commit();
    }
  }
}
