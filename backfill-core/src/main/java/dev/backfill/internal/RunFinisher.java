package dev.backfill.internal;

import dev.backfill.CancelMode;
import dev.backfill.CheckResult;
import dev.backfill.Partition;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run in this process: skips what a stop left unstarted, lets exactly one process
 * finish the run (RUNNING → FINISHING), judges it (every slice committed, run checks), ends the
 * destination's run (a full rebuild swaps here), records the final status and reports.
 */
final class RunFinisher {
  private static final Logger log = LoggerFactory.getLogger(RunFinisher.class);

  private final RunSession<?> s;
  private final Workers workers;

  RunFinisher(RunSession<?> session, Workers workers) {
    this.s = session;
    this.workers = workers;
  }

  /**
   * Finishes the session.
   *
   * @param failure why the workers failed, or null
   */
  void finish(@Nullable String failure) {
    List<String> messages = new ArrayList<>();
    if (failure != null) {
      messages.add("run failed: " + failure);
    }
    String stopReason = s.stopReason();
    if (stopReason != null) {
      int skipped = s.store.markPending(s.run.runId(), SliceStatus.SKIPPED, "not started: " + stopReason);
      s.tracker.skippedPending(skipped);
      messages.add(stopReason + "; " + skipped + " slice(s) skipped, resume to run them");
    }
    int elsewhere = failure == null ? workers.runningElsewhere() : 0;
    if (elsewhere > 0 || !s.store.transitionRun(s.run.runId(), RunStatus.RUNNING, RunStatus.FINISHING, null, "")) {
      // Another worker is still running slices, or has finished the run already: report only this session.
      messages.add(elsewhere > 0 ? "this worker stopped; " + elsewhere + " slice(s) still running on other workers"
          : "finished by another worker");
      complete(report(messages), false);
      return;
    }
    List<SliceRecord> slices = s.store.slices(s.run.runId());
    boolean allSucceeded = failure == null && slices.stream().allMatch(r -> r.status() == SliceStatus.SUCCEEDED);
    CancelMode cancelled = s.cancelMode();
    RunStatus status = allSucceeded ? RunStatus.SUCCEEDED : cancelled != null ? RunStatus.CANCELLED : RunStatus.FAILED;
    if (cancelled != null && !allSucceeded) {
      long open = slices.stream().filter(r -> r.status() != SliceStatus.SUCCEEDED).count();
      messages.add("cancelled (" + cancelled + "); " + open + " slice(s) did not commit, resume to run them");
    }
    if (allSucceeded && !s.pipeline.runChecks().isEmpty() && !slices.isEmpty()) {
      Optional<String> failedCheck = runChecks(slices);
      if (failedCheck.isPresent()) {
        status = RunStatus.FAILED;
        messages.add(failedCheck.get());
      }
    }
    boolean rebuild = s.pipeline.strategy() instanceof WriteStrategy.FullRebuild;
    if (!slices.isEmpty() && failure == null) {
      RunOutcome outcome = new RunOutcome(status == RunStatus.SUCCEEDED,
          status == RunStatus.SUCCEEDED ? "succeeded" : String.join("; ", messages));
      try {
        s.pipeline.destination().finishRun(s.runContext(), outcome);
        if (rebuild && outcome.succeeded()) {
          messages.add("full rebuild swapped into place");
        }
      } catch (Exception e) {
        status = RunStatus.FAILED;
        messages.add("finishing the destination failed: " + Redaction.describe(e));
        log.error("finishRun of run {} failed: {}", s.run.runId(), Redaction.describe(e));
      }
    }
    if (rebuild && status != RunStatus.SUCCEEDED) {
      messages.add("full rebuild not swapped: the live table is untouched");
    }
    s.store.updateRun(s.run.runId(), status, s.time.clock().instant(), String.join("; ", messages));
    complete(RunLauncher.report(s.store, s.run, s.tracker.startedAt(), s.time.clock().instant()), true);
  }

  /** A report of this session with the run's current state and this session's messages. */
  private RunReport report(List<String> messages) {
    RunReport local = RunLauncher.report(s.store, s.run, s.tracker.startedAt(), s.time.clock().instant());
    return new RunReport(local.runId(), local.target(), local.status(), local.guarantee(), local.slices(),
        local.startedAt(), local.finishedAt(), local.rows(), String.join("; ", messages));
  }

  private void complete(RunReport report, boolean finishedHere) {
    s.watch.progress(true);
    s.publish(new BackfillEvent.RunFinished(s.run.runId(), report));
    s.bus.close();
    if (finishedHere && report.status() != RunStatus.SUCCEEDED) {
      log.warn("{}", report.summary());
    } else {
      log.info("{}", report.summary());
    }
    s.complete(report);
  }

  private Optional<String> runChecks(List<SliceRecord> slices) {
    long rows = slices.stream().mapToLong(SliceRecord::rows).sum();
    SliceStats session = s.checks.runStats();
    SliceStats total = new SliceStats(rows, session.rows() == rows ? session.nulls() : Map.of(), session.metrics());
    List<Partition> span = s.plan.sliceCount() == 1 ? s.plan.partitions(0)
        : List.of(s.plan.partitions(0).get(0), s.plan.partitions(s.plan.sliceCount() - 1).get(0));
    Slice whole = Slice.of(-1, span);
    try {
      for (CheckResult r : s.checks.evaluate(s.pipeline.runChecks(), whole, total, ResourceProvider.NONE)) {
        if (r.blocksCommit()) {
          return Optional.of("run check " + r.check() + " failed: " + r.message());
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of("run check could not be evaluated: " + Redaction.describe(e));
    }
  }
}
