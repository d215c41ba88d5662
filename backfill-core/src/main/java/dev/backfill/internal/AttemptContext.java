package dev.backfill.internal;

import dev.backfill.Slice;
import dev.backfill.spi.SliceContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The context of one attempt. Cancellation (operator cancel, timeout, lost lease) flips a flag,
 * runs the registered callbacks and interrupts the attempt's thread while the attempt is active;
 * once the attempt ended, a late cancel touches nothing.
 */
final class AttemptContext implements SliceContext {
  private static final Logger log = LoggerFactory.getLogger(AttemptContext.class);

  /** Why an attempt was cancelled. */
  enum Reason { OPERATOR, TIMEOUT, LEASE_LOST }

  private final String runId;
  private final String target;
  private final Slice slice;
  private final int attempt;
  private final Clock clock;
  private final @Nullable Instant deadline;
  private final boolean exactlyOnce;
  private final Thread thread;
  private final List<Runnable> callbacks = new ArrayList<>();
  private @Nullable Reason cancelled;
  private boolean active = true;
  private volatile dev.backfill.spi.RequestLimiter requests = dev.backfill.spi.RequestLimiter.UNLIMITED;

  AttemptContext(String runId, String target, Slice slice, int attempt, Clock clock, @Nullable Instant deadline,
      boolean exactlyOnce) {
    this.runId = runId;
    this.target = target;
    this.slice = slice;
    this.attempt = attempt;
    this.clock = clock;
    this.deadline = deadline;
    this.exactlyOnce = exactlyOnce;
    this.thread = Thread.currentThread();
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public Slice slice() {
    return slice;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public boolean exactlyOnce() {
    return exactlyOnce;
  }

  @Override
  public dev.backfill.spi.RequestLimiter requests() {
    return requests;
  }

  /** Hands the source the run's request limiter. */
  void requests(dev.backfill.spi.RequestLimiter limiter) {
    this.requests = limiter;
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  @Override
  public synchronized boolean isCancelled() {
    return cancelled != null;
  }

  synchronized @Nullable Reason cancelReason() {
    return cancelled;
  }

  @Override
  public void onCancel(Runnable action) {
    boolean runNow;
    synchronized (this) {
      runNow = cancelled != null;
      if (!runNow) {
        callbacks.add(action);
      }
    }
    if (runNow) {
      safely(action);
    }
  }

  /** Cancels the attempt if it is still active; returns whether it was. */
  boolean cancel(Reason reason) {
    List<Runnable> toRun;
    synchronized (this) {
      if (!active || cancelled != null) {
        return false;
      }
      cancelled = reason;
      toRun = List.copyOf(callbacks);
      thread.interrupt();
    }
    toRun.forEach(AttemptContext::safely);
    return true;
  }

  /** Ends the attempt: later cancels do nothing. Clears an interrupt this context caused. */
  void finish() {
    synchronized (this) {
      active = false;
    }
    if (cancelled != null) {
      Thread.interrupted();
    }
  }

  private static void safely(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("cancel callback failed: {}", e.toString());
    }
  }
}
