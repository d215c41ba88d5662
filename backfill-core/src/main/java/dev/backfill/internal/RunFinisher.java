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
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run in this process: skips what a stop left unstarted, lets exactly one process
 * finish the run (RUNNING → FINISHING), judges it (every slice committed, run checks on the stats
 * stored with every slice), ends the destination's run (a full rebuild swaps here, with the final
 * status inside its transaction when the store can join it), records the final status, releases the
 * target and reports. A worker that does not finish the run waits for its final status.
 */
final class RunFinisher {
  private static final Logger log = LoggerFactory.getLogger(RunFinisher.class);

  private final RunSession<?> s;
  private final java.util.function.IntSupplier runningElsewhere;

  RunFinisher(RunSession<?> session, Workers workers) {
    this(session, workers::runningElsewhere);
  }

  /** A finisher for sessions worked by other threads than {@link Workers} (graph runs). */
  RunFinisher(RunSession<?> session, java.util.function.IntSupplier runningElsewhere) {
    this.s = session;
    this.runningElsewhere = runningElsewhere;
  }

  /**
   * Finishes the session.
   *
   * @param failure why the workers failed, or null
   */
  void finish(@Nullable String failure) {
    Finished finished = null;
    try {
      finished = finishSession(failure);
    } finally {
      // a graph's targets finish here too: nothing this process holds for the run outlives it, and all of
      // it is let go (guards left, destination lock released) before a caller's await() returns
      s.watch.stop();
      s.stopHoldingTarget();
      RunStatus status;
      if (finished != null) {
        status = finished.report().status();
      } else {
        try {
          status = s.store.run(s.run.runId()).map(RunRecord::status).orElse(RunStatus.FAILED);
        } catch (RuntimeException e) {
          status = RunStatus.FAILED;
        }
      }
      s.guards.release(status);
    }
    complete(finished.report(), finished.here());
  }

  /** How this session ended: the report to hand out, and whether this session finished the run. */
  private record Finished(RunReport report, boolean here) {}

  private Finished finishSession(@Nullable String failure) {
    List<String> messages = new ArrayList<>();
    if (failure != null) {
      messages.add("run failed: " + failure);
    }
    String stopReason = s.stopReason();
    if (stopReason != null) {
      int skipped = s.store.markPending(s.run.runId(), SliceStatus.SKIPPED, "not started: " + stopReason);
      s.tracker.skippedPending(skipped);
      // with those this session's workers had claimed ahead and settled SKIPPED themselves
      int total = skipped + s.skippedClaimedCount();
      // a stop that came after every slice had started skips nothing: no resume to suggest
      messages.add(stopReason + "; " + (total == 0 ? "no slice was left unstarted"
          : total + " slice(s) skipped, resume to run them"));
    }
    int elsewhere = failure == null ? runningElsewhere.getAsInt() : 0;
    // the message marks this session as the finisher, so a store retrying its transaction can tell
    String finisher = "finishing: worker " + s.options.workerId() + " #" + Integer.toHexString(System.identityHashCode(s));
    if (elsewhere > 0 || !s.store.transitionRun(s.run.runId(), RunStatus.RUNNING, RunStatus.FINISHING, null, finisher)) {
      messages.add(elsewhere > 0 ? "this worker stopped; " + elsewhere + " slice(s) still running on other workers"
          : "finished by another worker");
      RunRecord ended = awaitFinalStatus();
      if (!ended.message().isEmpty()) {
        messages.add(ended.message());
      }
      return new Finished(report(messages), false);
    }
    return new Finished(finishRun(failure, messages), true);
  }

  private RunReport finishRun(@Nullable String failure, List<String> messages) {
    boolean checked = !s.pipeline.runChecks().isEmpty();
    // one walk of the slices serves the verdict and, when they had all ended, the report too
    StoredSlices.Tally slices = StoredSlices.Tally.of(s.store, s.run.runId(), checked, RunLauncher.listsAll(s.run));
    boolean allSucceeded = failure == null && slices.open() == 0;
    CancelMode cancelled = s.cancelMode();
    RunStatus status = allSucceeded ? RunStatus.SUCCEEDED : cancelled != null ? RunStatus.CANCELLED : RunStatus.FAILED;
    if (cancelled != null && !allSucceeded) {
      messages.add("cancelled (" + cancelled + "); " + slices.open() + " slice(s) did not commit, resume to run them");
    }
    if (!allSucceeded && failure == null && cancelled == null) {
      messages.add(failedSlices(slices));
    }
    if (allSucceeded && checked && slices.total > 0) {
      Optional<String> failedCheck = runChecks(slices.stats);
      if (failedCheck.isPresent()) {
        status = RunStatus.FAILED;
        messages.add(failedCheck.get());
      }
    }
    boolean rebuild = s.pipeline.strategy() instanceof WriteStrategy.FullRebuild;
    boolean recorded = false;
    if (slices.total > 0 && failure == null) {
      boolean succeeded = status == RunStatus.SUCCEEDED;
      List<String> ifCommitted = new ArrayList<>(messages);
      if (rebuild && succeeded) {
        ifCommitted.add("full rebuild swapped into place");
      }
      RunStatus finalStatus = status;
      AtomicBoolean joined = new AtomicBoolean();
      RunCommit commit = tx -> {
        boolean j = s.store.updateRunWithin(s.run.runId(), finalStatus, s.time.clock().instant(),
            String.join("; ", ifCommitted), tx);
        joined.set(j);
        return j;
      };
      try {
        s.pipeline.destination().finishRun(s.runContext(),
            new RunOutcome(succeeded, succeeded ? "succeeded" : String.join("; ", messages)), commit);
        messages.clear();
        messages.addAll(ifCommitted);
        recorded = joined.get();
      } catch (Exception e) {
        status = RunStatus.FAILED;
        messages.add("finishing the destination failed: " + Redaction.describe(e));
        log.error("finishRun of run {} failed: {}", s.run.runId(), Redaction.describe(e));
      }
    }
    if (rebuild && status != RunStatus.SUCCEEDED) {
      messages.add("full rebuild not swapped: the live table is untouched");
    }
    if (!recorded) {
      s.store.updateRun(s.run.runId(), status, s.time.clock().instant(), String.join("; ", messages));
    }
    s.stopHoldingTarget();
    try {
      s.store.releaseTarget(s.run.target(), s.run.runId());
    } catch (RuntimeException e) {
      log.warn("run {} could not release its hold on {} (it expires with its lease): {}", s.run.runId(), s.run.target(),
          Redaction.describe(e));
    }
    Instant end = s.time.clock().instant();
    return slices.settled() ? RunLauncher.report(s.store, s.run, s.tracker.startedAt(), end, slices)
        : RunLauncher.report(s.store, s.run, s.tracker.startedAt(), end);
  }

  /** Why a run that was neither cancelled nor failed as a whole did not succeed, never empty. */
  private static String failedSlices(StoredSlices.Tally slices) {
    SliceRecord first = Objects.requireNonNull(slices.firstOpen, "a slice that did not commit");
    return slices.open() + " of " + slices.total + " slice(s) did not commit; first " + first.key() + " "
        + first.status() + (first.error() == null ? "" : ": " + first.error()) + "; resume to run them again";
  }

  /**
   * Waits while another worker is finishing the run (FINISHING), so that this worker's report says how
   * the run ended: at most two lease times of wall time (the finishing worker may itself die), polling
   * the store. A run in any other status is reported as it is.
   */
  private RunRecord awaitFinalStatus() {
    return RunLauncher.awaitEnd(s.store, s.store.run(s.run.runId()).orElse(s.run), s.options.leaseTime().multipliedBy(2));
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

  /** Run checks on the stats stored with every slice, so a resumed run is judged on all of them. */
  private Optional<String> runChecks(SliceStats total) {
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
