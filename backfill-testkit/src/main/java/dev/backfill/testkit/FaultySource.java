package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Sleeper;
import dev.backfill.Slice;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link SourceNode} wrapper that injects failures, latency and holds into reads; made by
 * {@link Faults#source}. Configure it fluently before the run; each rule is counted per wrapper.
 * A read "contains" a partition when the slice being read has it (batches included).
 *
 * <pre>{@code
 * SourceNode<Row> flaky = Faults.source(orders)
 *     .failPartition("2024-03-02", 2, Failures::deadlock)          // two transient failures, then OK
 *     .failOnCall(5, Failures::connectionLost)                     // the 5th read of the run
 *     .failPartitionAfterRecords("2024-03-04", 1, 10, Failures::connectionLost)  // mid-slice
 *     .latency(Duration.ofMinutes(2), driver.sleeper());           // every read takes 2 virtual minutes
 * }</pre>
 *
 * @param <T> record type
 */
public final class FaultySource<T> extends ForwardingSource<T> {
  /** The operation a source rule applies to. */
  enum Op { READ }

  private final FaultRules<Op> rules = new FaultRules<>(Op.class);
  private final List<MidRead> midReads = new CopyOnWriteArrayList<>();

  private record MidRead(String partition, AtomicInteger remaining, int afterRecords, Supplier<? extends Exception> failure) {}

  FaultySource(SourceNode<T> delegate) {
    super(requireNonNull(delegate, "source"));
  }

  /**
   * Fails the n-th read (counting reads of all slices, retries included) before it reads anything.
   *
   * @param n call number, from 1
   * @param failure the exception to throw
   * @return this source
   */
  public FaultySource<T> failOnCall(int n, Supplier<? extends Exception> failure) {
    rules.onCall(Op.READ, n, rules.fail(failure));
    return this;
  }

  /**
   * Fails the first {@code times} reads of slices containing a partition, before they read anything.
   *
   * @param partitionKey canonical key
   * @param times how many reads fail
   * @param failure the exception to throw
   * @return this source
   */
  public FaultySource<T> failPartition(String partitionKey, int times, Supplier<? extends Exception> failure) {
    rules.onPartition(Op.READ, partitionKey, times, rules.fail(failure));
    return this;
  }

  /**
   * Fails the first {@code times} reads of slices containing a partition after they pushed some
   * records, so part of the slice already reached the writer (and must be rolled back). A slice with
   * fewer records fails after its last one.
   *
   * @param partitionKey canonical key
   * @param times how many reads fail
   * @param afterRecords records pushed before the failure, 0 or more
   * @param failure the exception to throw
   * @return this source
   */
  public FaultySource<T> failPartitionAfterRecords(String partitionKey, int times, int afterRecords,
      Supplier<? extends Exception> failure) {
    if (times < 1 || afterRecords < 0) {
      throw new IllegalArgumentException("expected times >= 1 and afterRecords >= 0, got " + times + " and " + afterRecords);
    }
    midReads.add(new MidRead(requireNonNull(partitionKey, "partitionKey"), new AtomicInteger(times), afterRecords,
        requireNonNull(failure, "failure")));
    return this;
  }

  /**
   * Makes every read take a while, waited through a sleeper (a {@link VirtualSleeper} advances the
   * clock instead of sleeping). A read whose attempt has a deadline that the latency would pass waits
   * until the deadline and fails with {@code SQLTimeoutException}, as a source with a statement
   * timeout derived from {@link SliceContext#deadline()} would.
   *
   * @param perRead latency of each read
   * @param sleeper how to wait
   * @return this source
   */
  public FaultySource<T> latency(Duration perRead, Sleeper sleeper) {
    rules.always(Op.READ, null, rules.delay(perRead, sleeper));
    return this;
  }

  /**
   * Makes reads of slices containing a partition take a while (a slow partition, for skew outliers).
   *
   * @param partitionKey canonical key
   * @param perRead latency of each such read
   * @param sleeper how to wait
   * @return this source
   */
  public FaultySource<T> latency(String partitionKey, Duration perRead, Sleeper sleeper) {
    rules.always(Op.READ, requireNonNull(partitionKey, "partitionKey"), rules.delay(perRead, sleeper));
    return this;
  }

  /**
   * Stops reads of slices containing a partition at a {@link Hold} until it is released.
   *
   * @param partitionKey canonical key
   * @param hold the hold
   * @return this source
   */
  public FaultySource<T> hold(String partitionKey, Hold hold) {
    rules.always(Op.READ, requireNonNull(partitionKey, "partitionKey"), rules.hold(hold));
    return this;
  }

  /**
   * Counts reads so far.
   *
   * @return reads started, failed ones included
   */
  public int reads() {
    return rules.calls(Op.READ);
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
  public void read(Slice slice, SliceContext context, RecordSink<? super T> sink) throws Exception {
    List<String> keys = slice.partitions().stream().map(p -> p.key().value()).toList();
    rules.before(Op.READ, keys, context);
    MidRead mid = null;
    for (MidRead m : midReads) {
      if (keys.contains(m.partition()) && m.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        mid = m;
        break;
      }
    }
    if (mid == null) {
      super.read(slice, context, sink);
      return;
    }
    MidRead failing = mid;
    if (failing.afterRecords() == 0) {
      rules.fail(failing.failure()).run(context);
    }
    AtomicInteger pushed = new AtomicInteger();
    try {
      super.read(slice, context, record -> {
        sink.accept(record);
        if (pushed.incrementAndGet() == failing.afterRecords()) {
          throw new Injected(failing.failure().get());
        }
      });
    } catch (Injected e) {
      rules.fail(e::cause).run(context);
    }
    // a slice with fewer records than afterRecords fails at its end, so the rule always bites
    rules.fail(failing.failure()).run(context);
  }

  /** Carries a checked injected exception out of the sink's callback. */
  private static final class Injected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Exception cause;

    Injected(Exception cause) {
      super(cause);
      this.cause = cause;
    }

    Exception cause() {
      return cause;
    }
  }

  @Override
  public String describe() {
    return super.describe() + " with injected faults";
  }
}
