package dev.backfill.internal;

import dev.backfill.BackfillException;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.CostEstimate;
import dev.backfill.ExecutionOptions;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.Progress;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.TargetBusyException;
import dev.backfill.TimeSource;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.spi.TargetLease;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one entry from {@link dev.backfill.Backfill} into the executor: prepares a session of a run in
 * this process (reopening what a resume runs again, the destination's run preparation), then, on a
 * coordinator thread, runs the {@link Workers} and the {@link RunFinisher}.
 */
public final class RunLauncher {
  private static final Logger log = LoggerFactory.getLogger(RunLauncher.class);
  private static final Duration PROGRESS_LOG_PERIOD = Duration.ofSeconds(30);

  /** How this process takes part in a run. */
  public enum Mode {
    /** The run was just created by this process. */
    NEW,
    /** This process resumes the run: slices that did not succeed are reopened first. */
    RESUME,
    /** This process joins a run as one more worker: it claims what is claimable and reopens nothing. */
    JOIN
  }

  private RunLauncher() {}

  /**
   * Creates a run of a plan in the store, holding the run's target, and starts working it.
   *
   * @param pipeline the configured backfill
   * @param runTarget the target name runs are recorded under (the target, or target@environment)
   * @param plan the plan, already validated against the backfill
   * @param options execution options
   * @param <T> record type
   * @return a handle on the run
   * @throws TargetBusyException when another run of the target is active
   */
  public static <T> BackfillRun create(Pipeline<T> pipeline, String runTarget, BackfillPlan plan,
      ExecutionOptions options) {
    String runId = options.runId() != null ? options.runId() : newRunId(pipeline.clock().instant());
    RunRecord run = createRun(pipeline, runTarget, plan, runId, options);
    return start(pipeline, plan, run, options, Mode.NEW);
  }

  /**
   * Persists a plan as a new run with all its slices pending, holding the run's target and storing the
   * execution settings a resume reuses; nothing runs yet.
   *
   * @param pipeline the configured backfill
   * @param runTarget the target name runs are recorded under
   * @param plan the plan
   * @param runId the new run's id
   * @param options execution options
   * @return the run record
   * @throws TargetBusyException when another run of the target is active
   */
  public static RunRecord createRun(Pipeline<?> pipeline, String runTarget, BackfillPlan plan, String runId,
      ExecutionOptions options) {
    StateStore store = pipeline.store();
    if (store.run(runId).isPresent()) {
      throw new InvalidConfigurationException("run id '" + runId + "' exists already in the state store; choose another");
    }
    holdTarget(pipeline, runTarget, runId, options);
    RunRecord run = new RunRecord(runId, runTarget, RunStatus.RUNNING, pipeline.logicVersion(),
        RunSession.guarantee(pipeline), plan.toJson(), plan.sliceCount(), pipeline.clock().instant(), null,
        "", RunOptions.toJson(options));
    try {
      store.createRun(run, new PlannedSlices(runId, plan));
    } catch (RuntimeException e) {
      store.releaseTarget(runTarget, runId);
      throw e;
    }
    return run;
  }

  /**
   * Resumes a run that did not succeed: the settings stored with it apply unless the options set them
   * explicitly; the run holds its target again.
   *
   * @param pipeline the configured backfill
   * @param plan the run's persisted plan
   * @param run the run
   * @param options execution options
   * @param <T> record type
   * @return a handle on the resumed run
   * @throws TargetBusyException when another run of the target is active
   */
  public static <T> BackfillRun resume(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options) {
    ExecutionOptions effective = RunOptions.resumed(run.runId(), run.optionsJson(), options);
    holdTarget(pipeline, run.target(), run.runId(), effective);
    return start(pipeline, plan, run, effective, Mode.RESUME);
  }

  /**
   * Joins a running run as one more worker, with the run's stored settings unless the options set
   * them explicitly.
   *
   * @param pipeline the configured backfill
   * @param plan the run's persisted plan
   * @param run the run
   * @param options execution options of this worker
   * @param <T> record type
   * @return a handle on this worker's part of the run
   * @throws TargetBusyException when another run holds the target
   */
  public static <T> BackfillRun join(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options) {
    ExecutionOptions effective = RunOptions.resumed(run.runId(), run.optionsJson(), options);
    holdTarget(pipeline, run.target(), run.runId(), effective.toBuilder().waitForTarget(Duration.ZERO).build());
    return start(pipeline, plan, run, effective, Mode.JOIN);
  }

  /** Holds the target for a run, waiting as long as the options allow while another run holds it. */
  static void holdTarget(Pipeline<?> pipeline, String target, String runId, ExecutionOptions options) {
    StateStore store = pipeline.store();
    long deadline = pipeline.time().nanoTime() + options.targetWait().toNanos();
    while (true) {
      TargetLease lease = store.acquireTarget(target, runId, options.workerId(), options.leaseTime());
      if (lease.heldBy(runId)) {
        return;
      }
      long left = deadline - pipeline.time().nanoTime();
      if (left <= 0) {
        throw busy(store, lease);
      }
      try {
        pipeline.time().sleep(Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy(store, lease);
      }
    }
  }

  private static TargetBusyException busy(StateStore store, TargetLease holder) {
    Instant now = store.now();
    String stalled = holder.leaseUntil().isAfter(now) ? ""
        : "; its lease expired at " + holder.leaseUntil() + ", so its process looks stalled or dead: resume it, or mark it"
            + " failed before starting another run";
    return new TargetBusyException("target " + holder.target() + " is being written by run " + holder.runId()
        + " (worker " + holder.workerId() + ", since " + holder.since() + ")" + stalled
        + "; one run writes a target at a time. Wait for it to end, join it with worker(\"" + holder.runId()
        + "\", options), or pass ExecutionOptions.builder().waitForTarget(duration)", holder);
  }

  private static String newRunId(Instant now) {
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now);
    return "run-" + stamp + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Prepares a session of a run in this process and starts its coordinator; a failure ends the run FAILED. */
  private static <T> BackfillRun start(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options,
      Mode mode) {
    try {
      return launch(pipeline, plan, run, options, mode);
    } catch (Exception e) {
      String reason = Redaction.describe(e);
      StateStore store = pipeline.store();
      if (mode != Mode.JOIN) {
        // nothing runs them now: a FAILED run keeps no slice PENDING that looks as if a worker would come
        skipPending(store, run, "not started: the run could not start: " + reason);
        store.updateRun(run.runId(), RunStatus.FAILED, pipeline.clock().instant(),
            "the run could not start: " + reason);
        store.releaseTarget(run.target(), run.runId());
      }
      log.warn("run {} of {} could not start: {}", run.runId(), run.target(), reason);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new BackfillException("run " + run.runId() + " of " + run.target() + " could not start: " + reason, e);
    }
  }

  private static <T> BackfillRun launch(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options,
      Mode mode) throws Exception {
    RunSession<T> session = prepare(pipeline, plan, run, options, mode);
    Thread coordinator = new Thread(() -> coordinate(session), "backfill-run-" + run.runId());
    coordinator.start();
    return session;
  }

  /** A session of a run in this process, ready for workers: reopened on resume, the destination prepared. */
  static <T> RunSession<T> prepare(Pipeline<T> pipeline, BackfillPlan plan, RunRecord run, ExecutionOptions options,
      Mode mode) throws Exception {
    StateStore store = pipeline.store();
    if (mode == Mode.NEW) {
      recordRunInfo(store, run, RunInfo.current(options, plan.options().environment()));
    }
    if (mode == Mode.RESUME) {
      store.clearCancelRequest(run.runId());
      int reopened = store.reopen(run.runId());
      store.updateRun(run.runId(), RunStatus.RUNNING, null, "");
      log.info("resuming run {} of {}: {} slice(s) did not commit and run again", run.runId(), run.target(), reopened);
    }
    Map<SliceStatus, Integer> initial = mode == Mode.NEW ? Map.of() : store.countSlices(run.runId());
    ProgressTracker tracker = new ProgressTracker(pipeline.time().clock(), options.maxConcurrency(), options.slicesPerSecond(),
        run.sliceCount(),
        initial);
    RunSession<T> session = new RunSession<>(pipeline, plan, run, options, mode, tracker);
    // Prepared before any worker of any process can claim a slice; joining workers never prepare.
    if (mode != Mode.JOIN) {
      session.guards.enter(pipeline.guards(), pipeline.destination().lock(), options.lockWait());
      try {
        if (run.sliceCount() > 0) {
          pipeline.destination().beginRun(session.runContext());
        }
      } catch (Exception | Error e) {
        session.guards.release(RunStatus.FAILED);
        throw e;
      }
    }
    session.holdTargetWhileWorking();
    session.watch.start();
    return session;
  }

  private static void coordinate(RunSession<?> s) {
    MDC.put(BackfillRun.MDC_RUN, s.run.runId());
    MDC.put(BackfillRun.MDC_TARGET, s.run.target());
    Workers workers = new Workers(s);
    String failure = null;
    TimeSource.Timer progressLog = Timers.every(s.time, PROGRESS_LOG_PERIOD, () -> logProgress(s));
    try {
      s.publish(new BackfillEvent.RunStarted(s.run.runId(), s.run.target(), s.tracker.snapshot().remaining(),
          s.mode != Mode.NEW, s.tracker.startedAt()));
      log.info("{} run {} of {}: {} slices, concurrency {}, {}{}", s.mode == Mode.NEW ? "started"
          : s.mode == Mode.RESUME ? "resumed" : "joined", s.run.runId(), s.run.target(), s.run.sliceCount(),
          s.options.maxConcurrency(), s.exactlyOnce ? "exactly-once" : "at-least-once", expected(s));
      workers.runToEnd();
    } catch (Throwable e) {
      failure = Redaction.describe(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
      log.error("run {} of {} failed: {}", s.run.runId(), s.run.target(), failure);
    } finally {
      progressLog.cancel();
      s.watch.stop();
      try {
        new RunFinisher(s, workers).finish(failure);
      } catch (Throwable e) {
        log.error("could not finish run {}: {}", s.run.runId(), Redaction.describe(e));
        s.completeExceptionally(e);
      } finally {
        s.stopHoldingTarget();
        s.guards.release(finalStatus(s));  // when the finisher itself failed
        MDC.clear();
      }
    }
  }

  /**
   * What a new run is expected to take with its own options (concurrency, rate limits), so the start
   * line matches how it runs, not the plan's concurrency; a resumed or joined run has its live ETA.
   */
  private static String expected(RunSession<?> s) {
    if (s.mode != Mode.NEW || s.plan.isEmpty()) {
      return "";
    }
    CostEstimate cost = s.plan.cost(s.options);
    return ", expected duration " + cost.duration().map(CostEstimate::human).orElse("unknown") + " ("
        + cost.durationBasis() + ")";
  }

  private static RunStatus finalStatus(RunSession<?> s) {
    try {
      return s.store.run(s.run.runId()).map(RunRecord::status).orElse(RunStatus.FAILED);
    } catch (RuntimeException e) {
      return RunStatus.FAILED;
    }
  }

  /** Who started the run, from where, with which options: kept for the operator's view, never fatal. */
  private static void recordRunInfo(StateStore store, RunRecord run, RunInfo info) {
    try {
      store.recordRunInfo(run.runId(), info.toJson());
    } catch (RuntimeException e) {
      log.warn("run {}: the state store could not record who started it: {}", run.runId(), Redaction.describe(e));
    }
  }

  private static void logProgress(RunSession<?> s) {
    MDC.put(BackfillRun.MDC_RUN, s.run.runId());
    MDC.put(BackfillRun.MDC_TARGET, s.run.target());
    try {
      log.info("run {} of {}: {}", s.run.runId(), s.run.target(), s.tracker.snapshot().describe());
    } finally {
      MDC.remove(BackfillRun.MDC_RUN);
      MDC.remove(BackfillRun.MDC_TARGET);
    }
  }

  /**
   * Returns a handle on a run that needs no work, reporting a message.
   *
   * @param store the state store
   * @param run the run record
   * @param now the time of the report
   * @param message why nothing runs
   * @return a finished handle
   */
  public static BackfillRun finished(StateStore store, RunRecord run, Instant now, String message) {
    log.info(message);
    RunReport report = report(store, run, now, now);
    RunReport withMessage = new RunReport(report.runId(), report.target(), report.status(), report.guarantee(),
        report.slices(), now, now, report.rows(), message);
    Progress progress = new Progress(run.sliceCount(), report.count(SliceStatus.SUCCEEDED), 0, 0, 0, 0, 0, 0,
        Duration.ZERO, 0, 0, Optional.of(Duration.ZERO), Optional.empty(), Optional.empty(), List.of());
    return new BackfillRun() {
      @Override
      public String runId() {
        return run.runId();
      }

      @Override
      public Progress progress() {
        return progress;
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
    return report(store, run, startedAt, finishedAt, StoredSlices.Tally.of(store, run.runId(), false, listsAll(run)));
  }

  /** Whether a report of the run lists every slice (else it reads pages when a caller looks). */
  static boolean listsAll(RunRecord run) {
    return run.sliceCount() <= StoredSlices.LISTED_IN_FULL;
  }

  /**
   * Builds a report of a run from a walk of its slices already made ({@link StoredSlices.Tally}, listing
   * them when {@link #listsAll}) and the run's current record.
   */
  static RunReport report(StateStore store, RunRecord run, Instant startedAt, Instant finishedAt,
      StoredSlices.Tally tally) {
    RunRecord current = store.run(run.runId()).orElse(run);
    return new RunReport(run.runId(), run.target(), current.status(), run.guarantee(), tally.slices(store, run.runId()),
        startedAt, finishedAt, tally.rows, current.message());
  }

  /** Marks a run's pending slices SKIPPED (a resume runs them); a store failure here is only logged. */
  private static void skipPending(StateStore store, RunRecord run, String message) {
    try {
      store.markPending(run.runId(), SliceStatus.SKIPPED, message);
    } catch (RuntimeException e) {
      log.warn("run {}: its pending slices could not be marked skipped: {}", run.runId(), Redaction.describe(e));
    }
  }

  /**
   * Waits while another worker finishes a run (status FINISHING), so that a worker joining at that
   * moment reports how the run ended: at most {@code patience} of wall time (the finishing worker may
   * itself die), polling the store. A run in any other status is returned as it is.
   *
   * @param store the state store
   * @param run the run as last read
   * @param patience how long to wait at most
   * @return the run as read last
   */
  public static RunRecord awaitEnd(StateStore store, RunRecord run, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    RunRecord current = run;
    while (current.status() == RunStatus.FINISHING && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return current;
      }
      current = store.run(run.runId()).orElse(current);
    }
    return current;
  }
}
