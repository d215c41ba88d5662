package dev.backfill.internal;

import dev.backfill.BackfillException;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.CheckContext;
import dev.backfill.CheckResult;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.Partition;
import dev.backfill.Progress;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Slice;
import dev.backfill.SliceCheck;
import dev.backfill.SliceReport;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SliceWriter;
import dev.backfill.spi.StateStore;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs the slices of one run: {@code maxConcurrency} worker threads claim slices from the state
 * store, and each slice goes RUNNING → read → write → checks → commit (or abort). Retries are
 * decided by a Resilience4j {@link Retry} and waited out by the backfill's sleeper; rate limits use
 * Resilience4j {@link RateLimiter}s. A coordinator thread prepares the run, waits for the workers
 * and finishes the run (full-rebuild swap, final status, report).
 *
 * @param <T> record type
 */
public final class RunExecutor<T> implements BackfillRun {
  /** MDC key holding the run id on every log line of a slice. */
  public static final String MDC_RUN = "backfill.run";
  /** MDC key holding the target name. */
  public static final String MDC_TARGET = "backfill.target";
  /** MDC key holding the slice key. */
  public static final String MDC_PARTITION = "backfill.partition";

  private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);
  private static final long PROGRESS_LOG_SECONDS = 30;

  /** How this executor takes part in a run. */
  public enum Mode {
    /** The run was just created by this process. */
    NEW,
    /** This process resumes the run: slices that did not succeed are reopened first. */
    RESUME,
    /** This process joins a run as one more worker: it claims what is claimable and reopens nothing. */
    JOIN
  }

  private final Pipeline<T> pipeline;
  private final BackfillPlan plan;
  private final RunRecord run;
  private final ExecutionOptions options;
  private final Mode mode;
  private final StateStore store;
  private final Retry retry;
  private final @Nullable RateLimiter sliceLimiter;
  private final @Nullable RateLimiter rowLimiter;
  private final boolean exactlyOnce;
  private final ListenerBus bus;
  private final CompletableFuture<RunReport> result = new CompletableFuture<>();
  private final Set<AttemptContext> active = ConcurrentHashMap.newKeySet();
  private final Set<Thread> sleeping = ConcurrentHashMap.newKeySet();
  private final Set<Integer> held = ConcurrentHashMap.newKeySet();
  /** Signalled when a worker of this executor ends a slice; an idle worker wakes on it. */
  private final Object sliceEnded = new Object();
  /** Slices this executor's workers ended. Guarded by {@link #sliceEnded}. */
  private long slicesEnded;
  private final AtomicInteger failedSlices = new AtomicInteger();
  private final AtomicReference<@Nullable CancelMode> cancelMode = new AtomicReference<>();
  private volatile @Nullable String stopReason;
  private volatile boolean stopping;
  private volatile @Nullable ProgressTracker tracker;
  private @Nullable SliceStats sessionStats;
  private volatile @Nullable Map<String, Long> previousRows;
  private @Nullable ScheduledExecutorService scheduler;

  private RunExecutor(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options, Mode mode) {
    this.pipeline = pipeline;
    this.plan = plan;
    this.run = run;
    this.options = options;
    this.mode = mode;
    this.store = pipeline.store();
    this.retry = Retry.of("backfill-" + run.runId(), options.retry().toRetryConfig());
    this.sliceLimiter = options.slicesPerSecond() > 0 ? RateLimiter.of("slices-" + run.runId(), RateLimiterConfig.custom()
        .limitForPeriod(1)
        .limitRefreshPeriod(Duration.ofNanos(Math.max(1, Math.round(1e9 / options.slicesPerSecond()))))
        .timeoutDuration(Duration.ofDays(1))
        .build()) : null;
    this.rowLimiter = options.rowsPerSecond() > 0 ? RateLimiter.of("rows-" + run.runId(), RateLimiterConfig.custom()
        .limitForPeriod((int) Math.max(1, Math.min(Integer.MAX_VALUE, options.rowsPerSecond() / 10)))
        .limitRefreshPeriod(Duration.ofMillis(100))
        .timeoutDuration(Duration.ofDays(1))
        .build()) : null;
    this.exactlyOnce = store.guaranteeWith(pipeline.destination()) == Guarantee.EXACTLY_ONCE;
    this.bus = new ListenerBus(options.listeners(), run.runId(), run.target());
  }

  /**
   * Starts running a persisted run in the background.
   *
   * @param pipeline the configured backfill
   * @param plan the run's plan
   * @param run the run record (already created in the store)
   * @param options execution options
   * @param mode whether the run is new, resumed or joined
   * @param <T> record type
   * @return a handle on the run
   * @throws Exception when the destination cannot prepare the run
   */
  public static <T> BackfillRun start(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options,
      Mode mode) throws Exception {
    RunExecutor<T> executor = new RunExecutor<>(pipeline, plan, run, options, mode);
    executor.prepare();
    Thread coordinator = new Thread(executor::coordinate, "backfill-run-" + run.runId());
    coordinator.start();
    return executor;
  }

  /**
   * Returns a handle on a run that needs no work, reporting a message.
   *
   * @param pipeline the configured backfill
   * @param run the run record
   * @param message why nothing runs
   * @return a finished handle
   */
  public static BackfillRun finished(Pipeline<?> pipeline, RunRecord run, String message) {
    log.info(message);
    Instant now = pipeline.clock().instant();
    RunReport report = report(pipeline.store(), run, now, now);
    RunReport withMessage = new RunReport(report.runId(), report.target(), report.status(), report.guarantee(),
        report.slices(), now, now, report.rows(), message);
    return new BackfillRun() {
      @Override
      public String runId() {
        return run.runId();
      }

      @Override
      public Progress progress() {
        int n = run.sliceCount();
        return new Progress(n, report.count(SliceStatus.SUCCEEDED), 0, 0, 0, 0, 0, 0, Duration.ZERO, 0, 0,
            Optional.of(Duration.ZERO), Optional.empty(), Optional.empty(), List.of());
      }

      @Override
      public void cancel(CancelMode mode) {}

      @Override
      public boolean isDone() {
        return true;
      }

      @Override
      public RunReport await() {
        return withMessage;
      }

      @Override
      public RunReport await(Duration timeout) {
        return withMessage;
      }
    };
  }

  /**
   * Builds a report of a run from the state store.
   *
   * @param store the store
   * @param run the run
   * @param startedAt start of the reported session
   * @param finishedAt end of the reported session
   * @return the report
   */
  public static RunReport report(StateStore store, RunRecord run, Instant startedAt, Instant finishedAt) {
    List<SliceReport> slices = store.slices(run.runId()).stream().map(SliceReport::of).toList();
    long rows = slices.stream().filter(s -> s.status() == SliceStatus.SUCCEEDED).mapToLong(SliceReport::rows).sum();
    RunRecord current = store.run(run.runId()).orElse(run);
    return new RunReport(run.runId(), run.target(), current.status(), run.guarantee(), slices, startedAt, finishedAt, rows,
        current.message());
  }

  private void prepare() throws Exception {
    if (mode == Mode.RESUME) {
      int reopened = store.reopen(run.runId());
      store.updateRun(run.runId(), RunStatus.RUNNING, null, "");
      log.info("resuming run {} of {}: {} slice(s) did not commit and run again", run.runId(), run.target(), reopened);
    }
    Map<SliceStatus, Integer> initial = mode == Mode.NEW ? Map.of() : store.countSlices(run.runId());
    tracker = new ProgressTracker(pipeline.clock(), options.maxConcurrency(), run.sliceCount(), initial);
    // Prepared before any worker of any process can claim a slice; joining workers never prepare.
    if (mode != Mode.JOIN && run.sliceCount() > 0) {
      pipeline.destination().beginRun(runContext());
    }
  }

  private RunContext runContext() {
    return new RunContext(run.runId(), run.target(), pipeline.strategy(), pipeline.partitioning(), mode != Mode.NEW);
  }

  private void coordinate() {
    MDC.put(MDC_RUN, run.runId());
    MDC.put(MDC_TARGET, run.target());
    ExecutorService workers = null;
    String failure = null;
    try {
      ProgressTracker t = tracker;
      bus.publish(new BackfillEvent.RunStarted(run.runId(), run.target(), t.snapshot().remaining(), mode != Mode.NEW,
          t.startedAt()));
      log.info("{} run {} of {}: {} slices, concurrency {}, {}", mode == Mode.NEW ? "started" : mode == Mode.RESUME
          ? "resumed" : "joined", run.runId(), run.target(), run.sliceCount(), options.maxConcurrency(),
          exactlyOnce ? "exactly-once" : "at-least-once");
      if (run.sliceCount() > 0) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "backfill-timer-" + run.runId()));
        scheduler.scheduleAtFixedRate(() -> log.info("run {} of {}: {}", run.runId(), run.target(), tracker.snapshot().describe()),
            PROGRESS_LOG_SECONDS, PROGRESS_LOG_SECONDS, TimeUnit.SECONDS);
        int n = Math.min(options.maxConcurrency(), run.sliceCount());
        AtomicInteger ids = new AtomicInteger();
        workers = Executors.newFixedThreadPool(n, r -> new Thread(r, "backfill-" + run.target() + "-" + ids.incrementAndGet()));
        List<java.util.concurrent.Future<?>> loops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          loops.add(workers.submit(this::workLoop));
        }
        for (java.util.concurrent.Future<?> loop : loops) {
          loop.get();
        }
      }
    } catch (Throwable e) {
      failure = Redaction.describe(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
      log.error("run {} of {} failed: {}", run.runId(), run.target(), failure, e);
    } finally {
      try {
        finish(failure);
      } catch (Throwable e) {
        log.error("could not finish run {}", run.runId(), e);
        result.completeExceptionally(e);
      } finally {
        if (workers != null) {
          workers.shutdownNow();
        }
        if (scheduler != null) {
          scheduler.shutdownNow();
        }
        MDC.clear();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void workLoop() {
    long idleSince = -1;
    // Waiting for other workers' slices is bounded: past two lease times their leases must have
    // expired and become claimable, so an empty claim then means nothing is left for this worker.
    long maxIdleNanos = options.leaseTime().multipliedBy(2).plusSeconds(1).toNanos();
    while (!stopping) {
      try {
        if (sliceLimiter != null && !acquireSlicePermit()) {
          break;
        }
        long endedBefore = slicesEnded();
        Optional<SliceLease> lease = store.claim(run.runId(), options.workerId(), options.leaseTime());
        if (lease.isEmpty()) {
          boolean waitedEnough = idleSince >= 0 && System.nanoTime() - idleSince > maxIdleNanos;
          if (!stopping && !waitedEnough && runningElsewhere() > 0) {
            // Another worker holds slices; if it dies, its leases expire and become claimable here.
            // A sibling thread of this executor may also hold one it has not registered yet: then
            // its end wakes this worker at once instead of after a whole idle period.
            idleSince = idleSince < 0 ? System.nanoTime() : idleSince;
            idle(endedBefore);
            continue;
          }
          break;
        }
        idleSince = -1;
        held.add(lease.get().index());
        try {
          processSlice(lease.get());
        } finally {
          held.remove(lease.get().index());
          synchronized (sliceEnded) {
            slicesEnded++;
            sliceEnded.notifyAll();
          }
        }
      } catch (RuntimeException e) {
        stop("the state store failed: " + Redaction.describe(e));
        log.error("worker of run {} stops: state store failed", run.runId(), e);
      } finally {
        Thread.interrupted();
      }
    }
  }

  /** Slices RUNNING under leases this executor does not hold. */
  private int runningElsewhere() {
    return store.countSlices(run.runId()).getOrDefault(SliceStatus.RUNNING, 0) - held.size();
  }

  private long slicesEnded() {
    synchronized (sliceEnded) {
      return slicesEnded;
    }
  }

  /** Waits a poll period, or less if a slice of this executor ends meanwhile (since {@code seen}). */
  private void idle(long seen) {
    long period = Math.max(20, Math.min(200, options.leaseTime().toMillis() / 5));
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(period);
    try {
      synchronized (sliceEnded) {
        long left;
        while (slicesEnded == seen && !stopping && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(sliceEnded, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean acquireSlicePermit() {
    while (!stopping) {
      if (sliceLimiter.acquirePermission()) {
        return true;
      }
    }
    return false;
  }

  private void processSlice(SliceLease first) {
    Slice slice = pipeline.tokens().apply(plan.toSlice(first.index()));
    MDC.put(MDC_RUN, run.runId());
    MDC.put(MDC_TARGET, run.target());
    MDC.put(MDC_PARTITION, slice.key());
    ProgressTracker t = tracker;
    t.started(first.index(), slice.key());
    Retry.AsyncContext<Object> decisions = retry.asyncContext();
    AtomicReference<SliceLease> lease = new AtomicReference<>(first);
    AtomicReference<@Nullable AttemptContext> current = new AtomicReference<>();
    long beat = Math.max(200, options.leaseTime().toMillis() / 3);
    ScheduledFuture<?> heartbeat = scheduler.scheduleAtFixedRate(() -> renew(lease, current), beat, beat, TimeUnit.MILLISECONDS);
    try {
      while (true) {
        SliceLease l = lease.get();
        Instant start = pipeline.clock().instant();
        Instant deadline = options.timeout().map(start::plus).orElse(null);
        AttemptContext ctx = new AttemptContext(run.runId(), run.target(), slice, l.attempt(), pipeline.clock(), deadline);
        current.set(ctx);
        active.add(ctx);
        if (cancelMode.get() == CancelMode.IMMEDIATE) {
          ctx.cancel(AttemptContext.Reason.OPERATOR);
        }
        ScheduledFuture<?> timeout = options.timeout()
            .map(d -> scheduler.schedule(() -> ctx.cancel(AttemptContext.Reason.TIMEOUT), d.toNanos(), TimeUnit.NANOSECONDS))
            .orElse(null);
        bus.publish(new BackfillEvent.SliceStarted(run.runId(), slice.key(), slice.index(), l.attempt(), start));
        log.debug("slice {} attempt {} started", slice.key(), l.attempt());
        Attempt outcome = null;
        Throwable failure = null;
        try {
          outcome = attempt(slice, ctx, l, start);
        } catch (Throwable e) {
          failure = e;
        } finally {
          if (timeout != null) {
            timeout.cancel(false);
          }
          active.remove(ctx);
          ctx.finish();
        }
        Duration took = Duration.between(start, pipeline.clock().instant());
        if (failure == null) {
          t.ended(slice.index(), outcome.status(), outcome.rows());
          if (outcome.status() == SliceStatus.SUCCEEDED) {
            bus.publish(new BackfillEvent.SliceSucceeded(run.runId(), slice.key(), slice.index(), l.attempt(), outcome.rows(), took));
            log.debug("slice {} committed {} rows in {} ms (attempt {})", slice.key(), outcome.rows(), took.toMillis(), l.attempt());
          } else {
            bus.publish(new BackfillEvent.SliceFailed(run.runId(), slice.key(), slice.index(), l.attempt(), outcome.status(),
                outcome.error(), took));
            log.warn("slice {} failed its checks and was rolled back: {}", slice.key(), outcome.error());
            sliceFailed();
          }
          return;
        }
        AttemptContext.Reason reason = ctx.cancelReason();
        if (failure instanceof LeaseLostException || reason == AttemptContext.Reason.LEASE_LOST) {
          log.warn("slice {} lost its lease (another worker holds it now); attempt {} rolled back: {}", slice.key(),
              l.attempt(), Redaction.describe(failure));
          t.ended(slice.index(), SliceStatus.PENDING, 0);
          return;
        }
        if (reason == AttemptContext.Reason.OPERATOR) {
          endSlice(slice, l, SliceStatus.CANCELLED, start, took, "cancelled (IMMEDIATE) and rolled back");
          return;
        }
        Throwable cause = failure instanceof BatchingSink.WriteFailure && failure.getCause() != null ? failure.getCause() : failure;
        if (reason == AttemptContext.Reason.TIMEOUT) {
          SliceTimeoutException timedOut = new SliceTimeoutException("slice " + slice.key() + " exceeded its timeout of "
              + options.sliceTimeout() + " and was rolled back");
          timedOut.initCause(cause);
          cause = timedOut;
        }
        String error = Redaction.describe(cause);
        long delay = cause instanceof Error ? -1 : decisions.onError(cause);
        if (delay < 0) {
          endSlice(slice, l, SliceStatus.FAILED, start, took, error);
          log.warn("slice {} failed after {} attempt(s): {}", slice.key(), l.attempt(), error, cause);
          sliceFailed();
          return;
        }
        Duration backoff = Duration.ofMillis(delay);
        bus.publish(new BackfillEvent.SliceRetrying(run.runId(), slice.key(), slice.index(), l.attempt(), error, backoff));
        log.warn("slice {} attempt {} failed, retrying in {} ms: {}", slice.key(), l.attempt(), delay, error);
        synchronized (lease) {
          lease.set(store.nextAttempt(lease.get(), error));
        }
        if (!backOff(backoff)) {
          endSlice(slice, lease.get(), SliceStatus.CANCELLED, start, took, "cancelled (IMMEDIATE) while waiting to retry");
          return;
        }
      }
    } catch (LeaseLostException e) {
      log.warn("slice {} lost its lease: {}", slice.key(), e.getMessage());
      t.ended(slice.index(), SliceStatus.PENDING, 0);
    } finally {
      heartbeat.cancel(false);
      MDC.remove(MDC_PARTITION);
    }
  }

  /** Waits out a retry backoff; false when an IMMEDIATE cancel interrupted it. */
  private boolean backOff(Duration backoff) {
    Thread me = Thread.currentThread();
    sleeping.add(me);
    try {
      if (cancelMode.get() == CancelMode.IMMEDIATE) {
        return false;
      }
      pipeline.sleeper().sleep(backoff);
      return cancelMode.get() != CancelMode.IMMEDIATE;
    } catch (InterruptedException e) {
      return false;
    } finally {
      sleeping.remove(me);
      Thread.interrupted();
    }
  }

  private void endSlice(Slice slice, SliceLease l, SliceStatus status, Instant start, Duration took, String error) {
    store.complete(l, new SliceOutcome(status, 0, start, pipeline.clock().instant(), error, List.of(), null), ResourceProvider.NONE);
    tracker.ended(slice.index(), status, 0);
    bus.publish(new BackfillEvent.SliceFailed(run.runId(), slice.key(), slice.index(), l.attempt(), status, error, took));
  }

  private void renew(AtomicReference<SliceLease> lease, AtomicReference<@Nullable AttemptContext> current) {
    try {
      synchronized (lease) {
        Optional<SliceLease> renewed = store.renew(lease.get(), options.leaseTime());
        if (renewed.isPresent()) {
          lease.set(renewed.get());
          return;
        }
      }
      AttemptContext ctx = current.get();
      if (ctx != null && ctx.cancel(AttemptContext.Reason.LEASE_LOST)) {
        log.warn("lease on slice {} of run {} was lost; aborting the attempt", ctx.slice().key(), run.runId());
      }
    } catch (RuntimeException e) {
      log.warn("heartbeat for run {} failed, will retry: {}", run.runId(), Redaction.describe(e));
    }
  }

  private record Attempt(SliceStatus status, long rows, String error) {}

  @SuppressWarnings("unchecked")
  private Attempt attempt(Slice slice, AttemptContext ctx, SliceLease lease, Instant start) throws Exception {
    SliceWriter<T> writer = (SliceWriter<T>) pipeline.destination().open(slice, pipeline.strategy(), ctx);
    ctx.onCancel(writer::abort);
    boolean settled = false;
    try {
      if (pipeline.destination().isPushdown()) {
        writer.transfer();
      } else {
        BatchingSink<T> sink = new BatchingSink<>(writer, options.writeBatchSize(), rowLimiter, ctx);
        pipeline.source().read(slice, ctx, sink);
        sink.flush();
      }
      ctx.throwIfCancelled();
      SliceStats stats = writer.stats();
      List<CheckResult> results = evaluate(pipeline.checks(), slice, stats, writer);
      for (CheckResult r : results) {
        bus.publish(new BackfillEvent.CheckEvaluated(run.runId(), slice.key(), slice.index(), r));
        if (!r.passed() && !r.blocksCommit()) {
          log.warn("slice {} check warning: {}", slice.key(), r);
        }
      }
      Optional<CheckResult> blocking = results.stream().filter(CheckResult::blocksCommit).findFirst();
      if (blocking.isPresent()) {
        writer.abort();
        settled = true;
        String error = "check " + blocking.get().check() + " failed: " + blocking.get().message();
        store.complete(lease, new SliceOutcome(SliceStatus.FAILED_CHECK, stats.rows(), start, pipeline.clock().instant(),
            error, results, null), ResourceProvider.NONE);
        return new Attempt(SliceStatus.FAILED_CHECK, stats.rows(), error);
      }
      ctx.throwIfCancelled();
      SliceOutcome ok = new SliceOutcome(SliceStatus.SUCCEEDED, stats.rows(), start, pipeline.clock().instant(), null,
          results, null);
      if (exactlyOnce) {
        store.complete(lease, ok, writer);
        writer.commit();
        settled = true;
      } else {
        writer.commit();
        settled = true;
        try {
          store.complete(lease, ok, ResourceProvider.NONE);
        } catch (LeaseLostException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new BackfillException("slice " + slice.key() + " committed its data, but the state store could not"
              + " record it (" + Redaction.describe(e) + "); the slice will run again (at-least-once)", e);
        }
      }
      addStats(stats);
      return new Attempt(SliceStatus.SUCCEEDED, stats.rows(), "");
    } finally {
      if (!settled) {
        writer.abort();
      }
    }
  }

  private List<CheckResult> evaluate(List<SliceCheck> checks, Slice slice, SliceStats stats, ResourceProvider resources)
      throws Exception {
    if (checks.isEmpty()) {
      return List.of();
    }
    CheckContext context = new CheckContext() {
      @Override
      public Slice slice() {
        return slice;
      }

      @Override
      public SliceStats stats() {
        return stats;
      }

      @Override
      public OptionalLong previousRows() {
        return RunExecutor.this.previousRows(slice);
      }

      @Override
      public <R> Optional<R> resource(Class<R> type) {
        return resources.resource(type);
      }
    };
    List<CheckResult> results = new ArrayList<>(checks.size());
    for (SliceCheck check : checks) {
      results.add(check.evaluate(context));
    }
    return results;
  }

  private OptionalLong previousRows(Slice slice) {
    Map<String, Long> rows = previousRows;
    if (rows == null) {
      synchronized (this) {
        if (previousRows == null) {
          Map<String, Long> loaded = new HashMap<>();
          store.forEachPartitionState(run.target(), s -> {
            if (s.everSucceeded() && s.rows() >= 0) {
              loaded.put(s.key(), s.rows());
            }
          });
          previousRows = loaded;
        }
        rows = previousRows;
      }
    }
    long sum = 0;
    for (Partition p : slice.partitions()) {
      Long r = rows.get(p.key().value());
      if (r == null) {
        return OptionalLong.empty();
      }
      sum += r;
    }
    return OptionalLong.of(sum);
  }

  private synchronized void addStats(SliceStats stats) {
    sessionStats = sessionStats == null ? stats : sessionStats.plus(stats);
  }

  private void sliceFailed() {
    int failed = failedSlices.incrementAndGet();
    if (failed >= options.failurePolicy().stopAfter()) {
      stop("stopped after " + failed + " failed slice(s) (FailurePolicy.stopAfter(" + options.failurePolicy().stopAfter() + "))");
    }
  }

  private void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
      log.warn("run {} of {}: {}; running slices finish, no new slice starts", run.runId(), run.target(), reason);
    }
    stopping = true;
  }

  private void finish(@Nullable String failure) {
    List<String> messages = new ArrayList<>();
    if (failure != null) {
      messages.add("run failed: " + failure);
    }
    if (stopReason != null) {
      int skipped = store.markPending(run.runId(), SliceStatus.SKIPPED, "not started: " + stopReason);
      tracker.skippedPending(skipped);
      messages.add(stopReason + "; " + skipped + " slice(s) skipped, resume to run them");
    }
    int elsewhere = failure == null ? runningElsewhere() : 0;
    if (elsewhere > 0 || !store.transitionRun(run.runId(), RunStatus.RUNNING, RunStatus.FINISHING, null, "")) {
      // Another worker is still running slices, or has finished the run already: report only this session.
      String note = elsewhere > 0 ? "this worker stopped; " + elsewhere + " slice(s) still running on other workers"
          : "finished by another worker";
      messages.add(note);
      Instant now = pipeline.clock().instant();
      RunReport local = report(store, run, tracker.startedAt(), now);
      RunReport report = new RunReport(local.runId(), local.target(), local.status(), local.guarantee(), local.slices(),
          local.startedAt(), local.finishedAt(), local.rows(), String.join("; ", messages));
      bus.publish(new BackfillEvent.RunFinished(run.runId(), report));
      bus.close();
      log.info("{}", report.summary());
      result.complete(report);
      return;
    }
    List<SliceRecord> slices = store.slices(run.runId());
    boolean allSucceeded = failure == null && slices.stream().allMatch(s -> s.status() == SliceStatus.SUCCEEDED);
    CancelMode cancelled = cancelMode.get();
    RunStatus status = allSucceeded ? RunStatus.SUCCEEDED : cancelled != null ? RunStatus.CANCELLED : RunStatus.FAILED;
    if (cancelled != null && !allSucceeded) {
      long pending = slices.stream().filter(s -> s.status() != SliceStatus.SUCCEEDED).count();
      messages.add("cancelled (" + cancelled + "); " + pending + " slice(s) did not commit, resume to run them");
    }
    if (allSucceeded && !pipeline.runChecks().isEmpty() && !slices.isEmpty()) {
      Optional<String> failedCheck = runChecks(slices);
      if (failedCheck.isPresent()) {
        status = RunStatus.FAILED;
        messages.add(failedCheck.get());
      }
    }
    boolean rebuild = pipeline.strategy() instanceof WriteStrategy.FullRebuild;
    if (!slices.isEmpty() && failure == null) {
      RunOutcome outcome = new RunOutcome(status == RunStatus.SUCCEEDED,
          status == RunStatus.SUCCEEDED ? "succeeded" : String.join("; ", messages));
      try {
        pipeline.destination().finishRun(runContext(), outcome);
        if (rebuild && outcome.succeeded()) {
          messages.add("full rebuild swapped into place");
        }
      } catch (Exception e) {
        status = RunStatus.FAILED;
        messages.add("finishing the destination failed: " + Redaction.describe(e));
        log.error("finishRun of run {} failed", run.runId(), e);
      }
    }
    if (rebuild && status != RunStatus.SUCCEEDED) {
      messages.add("full rebuild not swapped: the live table is untouched");
    }
    String message = String.join("; ", messages);
    Instant now = pipeline.clock().instant();
    store.updateRun(run.runId(), status, now, message);
    RunReport report = report(store, run, tracker.startedAt(), now);
    bus.publish(new BackfillEvent.RunFinished(run.runId(), report));
    bus.close();
    if (status == RunStatus.SUCCEEDED) {
      log.info("{}", report.summary());
    } else {
      log.warn("{}", report.summary());
    }
    result.complete(report);
  }

  private Optional<String> runChecks(List<SliceRecord> slices) {
    long rows = slices.stream().mapToLong(SliceRecord::rows).sum();
    SliceStats session;
    synchronized (this) {
      session = sessionStats == null ? SliceStats.EMPTY : sessionStats;
    }
    SliceStats total = new SliceStats(rows, session.rows() == rows ? session.nulls() : Map.of(), session.metrics());
    List<Partition> span = plan.sliceCount() == 1 ? plan.partitions(0)
        : List.of(plan.partitions(0).get(0), plan.partitions(plan.sliceCount() - 1).get(0));
    Slice whole = Slice.of(-1, span);
    try {
      for (CheckResult r : evaluate(pipeline.runChecks(), whole, total, ResourceProvider.NONE)) {
        if (r.blocksCommit()) {
          return Optional.of("run check " + r.check() + " failed: " + r.message());
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of("run check could not be evaluated: " + Redaction.describe(e));
    }
  }

  @Override
  public String runId() {
    return run.runId();
  }

  @Override
  public Progress progress() {
    return tracker.snapshot();
  }

  @Override
  public void cancel(CancelMode mode) {
    if (isDone()) {
      return;
    }
    cancelMode.accumulateAndGet(mode, (old, now) -> old == CancelMode.IMMEDIATE ? old : now);
    stopping = true;
    log.warn("run {} of {} cancelled ({})", run.runId(), run.target(), mode);
    if (mode == CancelMode.IMMEDIATE) {
      active.forEach(ctx -> ctx.cancel(AttemptContext.Reason.OPERATOR));
      sleeping.forEach(Thread::interrupt);
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
      throw new BackfillException("run " + run.runId() + " could not finish: " + Redaction.describe(e.getCause()), e.getCause());
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
      throw new BackfillException("run " + run.runId() + " could not finish: " + Redaction.describe(e.getCause()), e.getCause());
    }
  }
}
