package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Sleeper;
import dev.backfill.spi.SliceContext;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The injected faults of one wrapped node: rules matched against each call of an operation by its
 * call number or the partitions it touches. Shared by the source, destination and state-store
 * wrappers so that "fail the n-th call" and "fail a partition k times" mean the same everywhere.
 *
 * @param <O> the operations of the wrapped node
 */
final class FaultRules<O extends Enum<O>> {
  /** What a matching rule does. */
  interface Action {
    void run(@Nullable SliceContext context) throws Exception;
  }

  private record Rule<O>(O op, int call, @Nullable String partition, AtomicInteger remaining, Action action) {
    boolean matches(O calledOp, int number, List<String> partitions) {
      if (op != calledOp) {
        return false;
      }
      if (call > 0) {
        return call == number;
      }
      if (partition != null && !partitions.contains(partition)) {
        return false;
      }
      // remaining < 0 means every matching call
      return remaining.get() < 0 || remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }
  }

  private final List<Rule<O>> rules = new CopyOnWriteArrayList<>();
  private final Map<O, AtomicInteger> calls;
  private final AtomicInteger injected = new AtomicInteger();

  FaultRules(Class<O> ops) {
    this.calls = new EnumMap<>(ops);
    for (O op : ops.getEnumConstants()) {
      calls.put(op, new AtomicInteger());
    }
  }

  void onCall(O op, int n, Action action) {
    if (n < 1) {
      throw new IllegalArgumentException("call number " + n + " is not allowed; calls count from 1");
    }
    rules.add(new Rule<>(requireNonNull(op, "op"), n, null, new AtomicInteger(1), action));
  }

  void onPartition(O op, String partition, int times, Action action) {
    if (times < 1) {
      throw new IllegalArgumentException("times " + times + " is not allowed; expected 1 or more");
    }
    rules.add(new Rule<>(requireNonNull(op, "op"), 0, requireNonNull(partition, "partition"), new AtomicInteger(times), action));
  }

  void always(O op, @Nullable String partition, Action action) {
    rules.add(new Rule<>(requireNonNull(op, "op"), 0, partition, new AtomicInteger(-1), action));
  }

  /** Counts a call and runs the actions of the rules it matches. */
  void before(O op, List<String> partitions, @Nullable SliceContext context) throws Exception {
    int number = calls.get(op).incrementAndGet();
    for (Rule<O> rule : rules) {
      if (rule.matches(op, number, partitions)) {
        rule.action().run(context);
      }
    }
  }

  int calls(O op) {
    return calls.get(op).get();
  }

  int injected() {
    return injected.get();
  }

  Action fail(Supplier<? extends Exception> failure) {
    requireNonNull(failure, "failure");
    return context -> {
      injected.incrementAndGet();
      throw requireNonNull(failure.get(), "failure supplier returned null");
    };
  }

  /**
   * Waits through a sleeper. When the attempt has a deadline that the wait would pass, it waits until
   * the deadline and throws {@link SQLTimeoutException}, as a source or writer that derives its
   * statement timeout from {@link SliceContext#deadline()} does; in virtual time this makes
   * per-slice timeouts testable without sleeping.
   */
  Action delay(Duration duration, Sleeper sleeper) {
    requireNonNull(duration, "duration");
    requireNonNull(sleeper, "sleeper");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("latency " + duration + " is negative");
    }
    return context -> {
      if (context != null && context.deadline().isPresent()) {
        Instant now = context.clock().instant();
        Instant deadline = context.deadline().get();
        if (now.plus(duration).isAfter(deadline)) {
          Duration left = now.isBefore(deadline) ? Duration.between(now, deadline) : Duration.ZERO;
          sleeper.sleep(left);
          injected.incrementAndGet();
          throw new SQLTimeoutException("statement cancelled at the slice deadline " + deadline + " after "
              + left + " of an injected latency of " + duration, "57014");
        }
      }
      sleeper.sleep(duration);
    };
  }

  Action hold(Hold hold) {
    requireNonNull(hold, "hold");
    return context -> hold.enter();
  }
}
