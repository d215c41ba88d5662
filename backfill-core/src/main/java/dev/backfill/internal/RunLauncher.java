package dev.backfill.internal;

import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.Progress;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.TimeSource;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
   * Starts working a persisted run in the background.
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
    if (mode != Mode.JOIN && run.sliceCount() > 0) {
      pipeline.destination().beginRun(session.runContext());
    }
    session.watch.start();
    Thread coordinator = new Thread(() -> coordinate(session), "backfill-run-" + run.runId());
    coordinator.start();
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
      log.info("{} run {} of {}: {} slices, concurrency {}, {}", s.mode == Mode.NEW ? "started"
          : s.mode == Mode.RESUME ? "resumed" : "joined", s.run.runId(), s.run.target(), s.run.sliceCount(),
          s.options.maxConcurrency(), s.exactlyOnce ? "exactly-once" : "at-least-once");
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
        MDC.clear();
      }
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
    List<SliceReport> slices = store.slices(run.runId()).stream().map(SliceReport::of).toList();
    long rows = slices.stream().filter(r -> r.status() == SliceStatus.SUCCEEDED).mapToLong(SliceReport::rows).sum();
    RunRecord current = store.run(run.runId()).orElse(run);
    return new RunReport(run.runId(), run.target(), current.status(), run.guarantee(), slices, startedAt, finishedAt,
        rows, current.message());
  }
}
