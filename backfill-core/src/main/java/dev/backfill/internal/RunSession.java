package dev.backfill.internal;

import dev.backfill.BackfillException;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.Progress;
import dev.backfill.RunGuard;
import dev.backfill.RunReport;
import dev.backfill.SliceStatus;
import dev.backfill.TimeSource;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.CancelRequest;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's session of a run: what every part of the executor shares (the configured pipeline,
 * the plan, options, store, time source, progress and event bus) and the run's stop and cancel state.
 * It is the {@link BackfillRun} handle returned to the caller.
 *
 * @param <T> record type
 */
final class RunSession<T> implements BackfillRun {
  private static final Logger log = LoggerFactory.getLogger(RunSession.class);

  final Pipeline<T> pipeline;
  final BackfillPlan plan;
  final RunRecord run;
  final ExecutionOptions options;
  final RunLauncher.Mode mode;
  final StateStore store;
  final TimeSource time;
  final boolean exactlyOnce;
  final ListenerBus bus;
  final ProgressTracker tracker;
  final SliceChecks checks;
  final RateLimits limits;
  /** The guards and destination lock held by a session that started or resumed the run. */
  final RunGuards guards;
  final RunWatch watch;
  private final CompletableFuture<RunReport> result = new CompletableFuture<>();
  /** Attempts in progress, cancelled by an IMMEDIATE cancel. */
  private final Set<AttemptContext> active = ConcurrentHashMap.newKeySet();
  /** Threads waiting inside a running slice (backoff, row limit); an IMMEDIATE cancel interrupts them. */
  private final Set<Thread> backingOff = ConcurrentHashMap.newKeySet();
  /** Threads waiting before a slice starts (rate limit); any stop interrupts them. */
  private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
  private final AtomicInteger failedSlices = new AtomicInteger();
  /** Slices this session had claimed but not started when the run stopped, settled SKIPPED by its workers. */
  private final AtomicInteger skippedClaimed = new AtomicInteger();
  private final AtomicReference<@Nullable CancelMode> cancelMode = new AtomicReference<>();
  private volatile @Nullable String stopReason;
  private volatile boolean stopping;
  private volatile TimeSource.@Nullable Timer targetHeartbeat;
  /** Told synchronously, on the worker thread, how each slice settled here (graph runs schedule on it). */
  private volatile java.util.function.ObjIntConsumer<SliceStatus> onSettled = (status, index) -> { };

  RunSession(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options, RunLauncher.Mode mode,
      ProgressTracker tracker) {
    this.pipeline = pipeline;
    this.plan = plan;
    this.run = run;
    this.options = options;
    this.mode = mode;
    this.store = pipeline.store();
    this.time = pipeline.time();
    this.exactlyOnce = guarantee(pipeline) == Guarantee.EXACTLY_ONCE;
    this.bus = new ListenerBus(options.listeners(), run.runId(), run.target());
    this.tracker = tracker;
    this.checks = new SliceChecks(store, run.target());
    this.limits = new RateLimits(options, run.runId(), time);
    tracker.limitedBy(options.rowsPerSecond(), options.requestsPerSecond());
    this.guards = new RunGuards(new RunGuard.GuardedRun(run.runId(), run.target(), mode == RunLauncher.Mode.RESUME));
    this.watch = new RunWatch(this);
  }

  RunContext runContext() {
    return new RunContext(run.runId(), run.target(), pipeline.strategy(), pipeline.partitioning(),
        mode != RunLauncher.Mode.NEW);
  }

  void onSettled(java.util.function.ObjIntConsumer<SliceStatus> hook) {
    this.onSettled = hook;
  }

  /** A slice settled in this process: its status is recorded (SUCCEEDED committed with its data). */
  void settled(int index, SliceStatus status) {
    onSettled.accept(status, index);
  }

  void publish(BackfillEvent event) {
    bus.publish(event);
  }

  boolean stopping() {
    return stopping;
  }

  @Nullable String stopReason() {
    return stopReason;
  }

  @Nullable CancelMode cancelMode() {
    return cancelMode.get();
  }

  boolean cancelledImmediately() {
    return cancelMode.get() == CancelMode.IMMEDIATE;
  }

  /** Counts a claimed slice its worker settled SKIPPED without starting it because the run stopped. */
  void skippedClaimed() {
    skippedClaimed.incrementAndGet();
    tracker.skippedPending(1);
  }

  /** Slices this session's workers settled SKIPPED, claimed but not started, because the run stopped. */
  int skippedClaimedCount() {
    return skippedClaimed.get();
  }

  /** Counts a slice that failed for good and stops the run when the failure policy says so. */
  void sliceFailed() {
    int failed = failedSlices.incrementAndGet();
    int limit = options.failurePolicy().stopAfter();
    if (failed >= limit) {
      stop("stopped after " + failed + " failed slice(s) (FailurePolicy.stopAfter(" + limit + "))");
    }
  }

  /** Stops starting slices; running ones finish. The first reason is kept. */
  void stop(String reason) {
    boolean first = false;
    synchronized (this) {
      if (stopReason == null) {
        stopReason = reason;
        first = true;
      }
    }
    stopping = true;
    waiting.forEach(Thread::interrupt);
    if (first) {
      log.warn("run {} of {}: {}; running slices finish, no new slice starts", run.runId(), run.target(), reason);
      publish(new BackfillEvent.RunStopping(run.runId(), reason));
    }
  }

  /**
   * Renews the run's hold on its target while this process works the run (every third of the lease
   * time); when another run holds the target now, this session stops at once.
   */
  void holdTargetWhileWorking() {
    Duration beat = Duration.ofMillis(Math.max(200, options.leaseTime().toMillis() / 3));
    targetHeartbeat = Timers.every(time, beat, () -> {
      try {
        if (!store.renewTarget(run.target(), run.runId(), options.leaseTime())) {
          String holder = store.targetLease(run.target()).map(l -> "run " + l.runId() + " since " + l.since())
              .orElse("nobody");
          stop("target " + run.target() + " is held by " + holder + " now; this run may not write it any more");
          cancel(CancelMode.IMMEDIATE);
        }
      } catch (RuntimeException e) {
        log.warn("could not renew run {}'s hold on {}, will retry: {}", run.runId(), run.target(), Redaction.describe(e));
      }
    });
  }

  /** Stops renewing the hold on the target (the session ended). */
  void stopHoldingTarget() {
    TimeSource.Timer t = targetHeartbeat;
    if (t != null) {
      t.cancel();
    }
  }

  void attemptStarted(AttemptContext ctx) {
    active.add(ctx);
    if (cancelledImmediately()) {
      ctx.cancel(AttemptContext.Reason.OPERATOR);
    }
  }

  void attemptEnded(AttemptContext ctx) {
    active.remove(ctx);
  }

  /**
   * Waits through the time source before a slice starts (a rate limit); any stop or cancel cuts the
   * wait short.
   *
   * @return false when the wait was cut short
   */
  boolean awaitUnlessStopping(Duration duration) {
    return await(duration, waiting, () -> stopping);
  }

  /**
   * Waits through the time source inside a running slice (retry backoff, row rate limit); only an
   * IMMEDIATE cancel cuts the wait short, since a GRACEFUL one lets running slices finish.
   *
   * @return false when the wait was cut short
   */
  boolean awaitUnlessCancelledImmediately(Duration duration) {
    return await(duration, backingOff, this::cancelledImmediately);
  }

  private boolean await(Duration duration, Set<Thread> interruptible, java.util.function.BooleanSupplier cutShort) {
    Thread me = Thread.currentThread();
    interruptible.add(me);
    try {
      if (cutShort.getAsBoolean()) {
        return false;
      }
      time.sleep(duration);
      return !cutShort.getAsBoolean();
    } catch (InterruptedException e) {
      return false;
    } finally {
      interruptible.remove(me);
      Thread.interrupted();
    }
  }

  void complete(RunReport report) {
    result.complete(report);
  }

  void completeExceptionally(Throwable failure) {
    result.completeExceptionally(failure);
  }

  @Override
  public String runId() {
    return run.runId();
  }

  @Override
  public Progress progress() {
    return tracker.snapshot();
  }

  /**
   * Cancels the run here and records the request in the state store, so that the run's workers in
   * other processes stop too.
   */
  @Override
  public void cancel(CancelMode mode) {
    if (isDone()) {
      return;
    }
    try {
      store.requestCancel(run.runId(), mode, System.getProperty("user.name", "?") + "@" + RunInfo.host()
          + " (BackfillRun.cancel)");
    } catch (RuntimeException e) {
      log.warn("run {}: the state store could not record the cancel request, so only this process stops: {}",
          run.runId(), Redaction.describe(e));
    }
    cancelHere(mode, "");
  }

  /** Applies a cancel request found in the state store, once per mode. */
  void cancelRequested(CancelRequest request) {
    CancelMode current = cancelMode.get();
    if (current == CancelMode.IMMEDIATE || current == request.mode()) {
      return;
    }
    cancelHere(request.mode(), " by " + request.requestedBy() + " at " + request.requestedAt());
  }

  private void cancelHere(CancelMode mode, String by) {
    if (isDone()) {
      return;
    }
    cancelMode.accumulateAndGet(mode, (old, now) -> old == CancelMode.IMMEDIATE ? old : now);
    stopping = true;
    log.warn("run {} of {} cancelled ({}){}", run.runId(), run.target(), mode, by);
    waiting.forEach(Thread::interrupt);
    if (mode == CancelMode.IMMEDIATE) {
      active.forEach(ctx -> ctx.cancel(AttemptContext.Reason.OPERATOR));
      backingOff.forEach(Thread::interrupt);
    }
  }

  @Override
  public boolean isDone() {
    return result.isDone();
  }

  @Override
  public RunReport await() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackfillException("interrupted while waiting for run " + run.runId(), e);
    } catch (ExecutionException e) {
      throw notFinished(e);
    }
  }

  @Override
  public RunReport await(Duration timeout) throws TimeoutException {
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackfillException("interrupted while waiting for run " + run.runId(), e);
    } catch (ExecutionException e) {
      throw notFinished(e);
    }
  }

  private BackfillException notFinished(ExecutionException e) {
    return new BackfillException("run " + run.runId() + " could not finish: " + Redaction.describe(e.getCause()),
        e.getCause());
  }

  /**
   * The run's guarantee: exactly-once when the store can share the destination's transaction and the
   * destination commits each slice's data in that one transaction for the run's strategy.
   */
  static Guarantee guarantee(Pipeline<?> pipeline) {
    Guarantee g = pipeline.store().guaranteeWith(pipeline.destination());
    return g == Guarantee.EXACTLY_ONCE && !pipeline.destination().commitsInOneTransaction(pipeline.strategy())
        ? Guarantee.AT_LEAST_ONCE : g;
  }
}
