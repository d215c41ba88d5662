package dev.backfill.internal;

import dev.backfill.BackfillException;
import dev.backfill.BackfillRun;
import dev.backfill.CheckResult;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.SliceStatus;
import dev.backfill.TimeSource;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceLogs;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceWriter;
import io.github.resilience4j.retry.Retry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One slice's whole life on a worker thread: attempts (read, write, checks, commit), retries with
 * backoff, timeouts and lost leases, ending in {@link #settle}, the one method that records how a
 * slice ended: its status in the store (with the data's commit for a success), its progress, its
 * event and its log line.
 *
 * <p>Exactly-once is decided in {@link #commit}: with a store that shares the destination's
 * transaction, the SUCCEEDED status is written into the writer's transaction before the writer
 * commits, so both commit or neither does; otherwise the data commits first and the status follows
 * (at-least-once).
 *
 * @param <T> record type
 */
final class SliceRunner<T> {
  private static final Logger log = LoggerFactory.getLogger(SliceRunner.class);

  private final RunSession<T> s;
  private final Retry retry;

  SliceRunner(RunSession<T> session) {
    this.s = session;
    this.retry = Retry.of("backfill-" + session.run.runId(), session.options.retry().toRetryConfig());
  }

  /** How an attempt, or the slice, ended. */
  private sealed interface Ending {}

  /** The slice's data is ready to commit. */
  private record Committed(SliceWriter<?> writer, SliceStats stats, List<CheckResult> checks) implements Ending {}

  /** The slice ended without committing: FAILED, FAILED_CHECK, CANCELLED or SKIPPED. */
  private record Ended(SliceStatus status, long rows, String error, List<CheckResult> checks) implements Ending {
    Ended(SliceStatus status, String error) {
      this(status, 0, error, List.of());
    }
  }

  /** Another worker holds the slice now; this one records nothing. */
  private record LeaseLost(String why) implements Ending {}

  /** Processes a claimed slice until it settled. */
  void run(SliceLease first) {
    Slice slice = slice(first);
    MDC.put(BackfillRun.MDC_PARTITION, slice.key());
    s.tracker.started(first.index(), slice.key());
    s.watch.changed();
    Retry.AsyncContext<Object> decisions = retry.asyncContext();
    try (LeaseKeeper keeper = new LeaseKeeper(s, first)) {
      boolean again = true;
      while (again) {
        again = attemptOnce(slice, keeper, decisions);
      }
    } finally {
      SliceLogs.close(s.run.runId(), slice.key());
      MDC.remove(BackfillRun.MDC_PARTITION);
    }
  }

  /** Settles a slice claimed after the run stopped: it never starts. */
  void skip(SliceLease lease) {
    String reason = s.stopReason() != null ? s.stopReason() : "the run was cancelled (" + s.cancelMode() + ")";
    skip(lease, reason);
    s.skippedClaimed();
  }

  /** Settles a claimed slice as SKIPPED without starting it, saying why (a graph's failed upstream). */
  void skip(SliceLease lease, String reason) {
    Slice slice = slice(lease);
    settle(slice, lease, s.time.clock().instant(), new Ended(SliceStatus.SKIPPED, "not started: " + reason));
  }

  private Slice slice(SliceLease lease) {
    return s.pipeline.tokens().apply(s.plan.toSlice(lease.index()));
  }

  /** Makes one attempt; returns true when another attempt follows. */
  private boolean attemptOnce(Slice slice, LeaseKeeper keeper, Retry.AsyncContext<Object> decisions) {
    SliceLease lease = keeper.lease();
    Instant start = s.time.clock().instant();
    Instant deadline = s.options.timeout().map(start::plus).orElse(null);
    AttemptContext ctx = new AttemptContext(s.run.runId(), s.run.target(), slice, lease.attempt(), s.time.clock(),
        deadline, s.exactlyOnce);
    ctx.requests(s.limits.requestLimiter(s, ctx));
    keeper.watch(ctx);
    SliceLogs.open(s.run.runId(), slice.key());
    s.attemptStarted(ctx);
    TimeSource.Timer timeout = s.options.timeout()
        .map(d -> s.time.schedule(d, () -> ctx.cancel(AttemptContext.Reason.TIMEOUT)))
        .orElse(null);
    s.publish(new BackfillEvent.SliceStarted(s.run.runId(), slice.key(), slice.index(), lease.attempt(), start));
    log.debug("slice {} attempt {} started", slice.key(), lease.attempt());
    Throwable failure;
    try {
      attempt(slice, ctx, lease, start);
      return false;
    } catch (Throwable e) {
      failure = e;
    } finally {
      if (timeout != null) {
        timeout.cancel();
      }
      s.attemptEnded(ctx);
      ctx.finish();
    }
    return afterFailure(slice, ctx, keeper, decisions, start, failure);
  }

  @SuppressWarnings("unchecked")
  private void attempt(Slice slice, AttemptContext ctx, SliceLease lease, Instant start) throws Exception {
    SliceWriter<T> writer = (SliceWriter<T>) s.pipeline.destination().open(slice, s.pipeline.strategy(), ctx);
    ctx.onCancel(writer::abort);
    boolean settled = false;
    try {
      if (s.pipeline.destination().isPushdown()) {
        writer.transfer();
      } else {
        BatchingSink<T> sink = new BatchingSink<>(writer, s.options.writeBatchSize(), s, ctx);
        s.pipeline.source().read(slice, ctx, sink);
        sink.flush();
      }
      ctx.throwIfCancelled();
      SliceStats stats = writer.stats();
      List<CheckResult> results = s.checks.evaluate(s.pipeline.checks(), slice, stats, writer);
      for (CheckResult r : results) {
        s.publish(new BackfillEvent.CheckEvaluated(s.run.runId(), slice.key(), slice.index(), r));
        if (!r.passed() && !r.blocksCommit()) {
          log.warn("slice {} check warning: {}", slice.key(), r);
        }
      }
      Optional<CheckResult> blocking = results.stream().filter(CheckResult::blocksCommit).findFirst();
      Ending ending;
      if (blocking.isPresent()) {
        writer.abort();
        ending = new Ended(SliceStatus.FAILED_CHECK, stats.rows(),
            "check " + blocking.get().check() + " failed: " + blocking.get().message(), results);
      } else {
        ctx.throwIfCancelled();
        ending = new Committed(writer, stats, results);
      }
      settle(slice, lease, start, ending);
      settled = true;
    } finally {
      if (!settled) {
        writer.abort();
      }
    }
  }

  /** Decides what a failed attempt leads to; returns true when the slice is attempted again. */
  private boolean afterFailure(Slice slice, AttemptContext ctx, LeaseKeeper keeper, Retry.AsyncContext<Object> decisions,
      Instant start, Throwable failure) {
    SliceLease lease = keeper.lease();
    AttemptContext.Reason reason = ctx.cancelReason();
    if (failure instanceof LeaseLostException || reason == AttemptContext.Reason.LEASE_LOST) {
      settle(slice, lease, start, new LeaseLost(Redaction.describe(failure)));
      return false;
    }
    if (reason == AttemptContext.Reason.OPERATOR) {
      settle(slice, lease, start, new Ended(SliceStatus.CANCELLED, "cancelled (IMMEDIATE) and rolled back"));
      return false;
    }
    Throwable cause = CheckedFailure.unwrap(failure);
    if (reason == AttemptContext.Reason.TIMEOUT) {
      SliceTimeoutException timedOut = new SliceTimeoutException("slice " + slice.key() + " exceeded its timeout of "
          + s.options.sliceTimeout() + " and was rolled back");
      timedOut.initCause(cause);
      cause = timedOut;
    }
    String error = Redaction.describe(cause);
    long delay = cause instanceof Error ? -1 : decisions.onError(cause);
    if (delay >= 0) {
      delay = Math.max(delay, Failures.retryAfterMillis(cause));
    }
    if (delay < 0) {
      settle(slice, lease, start, new Ended(SliceStatus.FAILED, error + Failures.poolHint(cause, s.options.maxConcurrency())));
      return false;
    }
    Duration backoff = Duration.ofMillis(delay);
    s.publish(new BackfillEvent.SliceRetrying(s.run.runId(), slice.key(), slice.index(), lease.attempt(), error, backoff));
    log.warn("slice {} attempt {} failed, retrying in {} ms: {}", slice.key(), lease.attempt(), delay, error);
    s.tracker.retried();
    s.watch.changed();
    try {
      keeper.nextAttempt(error, SliceLogs.take(s.run.runId(), slice.key()));
    } catch (LeaseLostException e) {
      settle(slice, lease, start, new LeaseLost(e.getMessage()));
      return false;
    }
    if (!s.awaitUnlessCancelledImmediately(backoff)) {
      settle(slice, keeper.lease(), start,
          new Ended(SliceStatus.CANCELLED, "cancelled (IMMEDIATE) while waiting to retry"));
      return false;
    }
    return true;
  }

  /**
   * Records how a slice ended, the only place that does: the store's status (committing the data for
   * a success), the progress, the event and the log line.
   *
   * @throws RuntimeException when a success could not commit; nothing is recorded then and the
   *     caller treats it as a failed attempt
   */
  private void settle(Slice slice, SliceLease lease, Instant start, Ending ending) {
    Instant end = s.time.clock().instant();
    Duration took = Duration.between(start, end);
    String runId = s.run.runId();
    String logExcerpt = SliceLogs.take(runId, slice.key());
    if (ending instanceof Committed c) {
        commit(slice, lease, c.writer(), new SliceOutcome(SliceStatus.SUCCEEDED, c.stats().rows(), start, end, null,
            c.checks(), logExcerpt, c.stats()));
        s.tracker.ended(slice.index(), SliceStatus.SUCCEEDED, c.stats().rows());
        s.settled(slice.index(), SliceStatus.SUCCEEDED);
        s.watch.changed();
        s.publish(new BackfillEvent.SliceSucceeded(runId, slice.key(), slice.index(), lease.attempt(), c.stats().rows(),
            took));
        log.debug("slice {} committed {} rows in {} ms (attempt {})", slice.key(), c.stats().rows(), took.toMillis(),
            lease.attempt());
    } else if (ending instanceof Ended e) {
        try {
          s.store.complete(lease, new SliceOutcome(e.status(), e.rows(), start, end, e.error(), e.checks(), logExcerpt),
              ResourceProvider.NONE);
        } catch (LeaseLostException lost) {
          // another worker holds the slice now: its outcome is the one that counts
          settle(slice, lease, start, new LeaseLost(lost.getMessage()));
          return;
        }
        if (e.status() == SliceStatus.SKIPPED) {
          s.tracker.skippedPending(1);
        } else {
          s.tracker.ended(slice.index(), e.status(), 0);
        }
        s.watch.changed();
        logEnd(slice, lease, e);
        s.settled(slice.index(), e.status());
        if (e.status() == SliceStatus.FAILED || e.status() == SliceStatus.FAILED_CHECK) {
          // before the slice's event, so that anyone who saw the event also sees a stop it caused
          s.sliceFailed();
        }
        s.publish(new BackfillEvent.SliceFailed(runId, slice.key(), slice.index(), lease.attempt(), e.status(),
            e.error(), took));
    } else if (ending instanceof LeaseLost l) {
        s.tracker.ended(slice.index(), SliceStatus.PENDING, 0);
        log.warn("slice {} lost its lease (another worker holds it now); attempt {} rolled back: {}", slice.key(),
            lease.attempt(), l.why());
    }
  }

  private static void logEnd(Slice slice, SliceLease lease, Ended e) {
    switch (e.status()) {
      case FAILED -> log.warn("slice {} failed after {} attempt(s): {}", slice.key(), lease.attempt(), e.error());
      case FAILED_CHECK -> log.warn("slice {} failed its checks and was rolled back: {}", slice.key(), e.error());
      default -> log.info("slice {} {}: {}", slice.key(), e.status(), e.error());
    }
  }

  /** Commits a slice's data and its SUCCEEDED status: together when the store can, else data first. */
  private void commit(Slice slice, SliceLease lease, SliceWriter<?> writer, SliceOutcome ok) {
    try {
      if (s.exactlyOnce) {
        s.store.complete(lease, ok, writer);
        writer.commit();
        return;
      }
      // At-least-once: the status cannot fence the data's commit, so make sure the lease still holds
      // right before it; a worker that stalled past its lease then aborts instead of writing twice.
      if (s.store.renew(lease, s.options.leaseTime()).isEmpty()) {
        throw new LeaseLostException("lease on slice " + slice.key() + " of run " + s.run.runId()
            + " was lost before its commit; another worker holds it now");
      }
      writer.commit();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CheckedFailure(e);
    }
    try {
      s.store.complete(lease, ok, ResourceProvider.NONE);
    } catch (LeaseLostException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackfillException("slice " + slice.key() + " committed its data, but the state store could not"
          + " record it (" + Redaction.describe(e) + "); the slice will run again (at-least-once)", e);
    }
  }

}
