package dev.backfill.internal;

import dev.backfill.BackfillRun;
import dev.backfill.TimeSource;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.CancelRequest;
import dev.backfill.spi.Redaction;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a process does for a run besides its slices, on the run's time source: heartbeats (so that the
 * history tells a live run from a stalled one), polling the state store for a cancel request made
 * from any process (the CLI, the run page, another worker), and progress events to listeners at most
 * once per {@link #PROGRESS_PERIOD} while something changes.
 */
final class RunWatch {
  private static final Logger log = LoggerFactory.getLogger(RunWatch.class);
  /** Least time between two progress events. */
  static final Duration PROGRESS_PERIOD = Duration.ofSeconds(1);
  /** Least time between two reads of the cancel request before slices. */
  static final Duration CANCEL_POLL_PERIOD = Duration.ofMillis(100);

  private final RunSession<?> s;
  private final Duration beat;
  /** Bumped by every change a listener of progress would see. */
  private final AtomicLong changes = new AtomicLong();
  private long publishedChanges = -1;
  private long publishedAt = Long.MIN_VALUE;
  private long beatAt = Long.MIN_VALUE;
  /** When the store's cancel request was last read (time source nanos). */
  private final AtomicLong cancelPolledAt = new AtomicLong(Long.MIN_VALUE);
  /** Held while a throttled poll decides and reads, so workers asking meanwhile get that read's answer. */
  private final Object cancelPollLock = new Object();
  private TimeSource.@Nullable Timer timer;

  RunWatch(RunSession<?> session) {
    this.s = session;
    this.beat = Duration.ofMillis(Math.max(200, session.options.leaseTime().toMillis() / 3));
  }

  /** Heartbeats at once, then looks after the run every second (or every heartbeat, if shorter). */
  synchronized void start() {
    heartbeat();
    Duration period = beat.compareTo(PROGRESS_PERIOD) < 0 ? beat : PROGRESS_PERIOD;
    timer = Timers.every(s.time, period, this::tick);
  }

  synchronized void stop() {
    if (timer != null) {
      timer.cancel();
    }
  }

  /** Something a progress listener sees has changed (a slice started or ended, a retry). */
  void changed() {
    changes.incrementAndGet();
    progress(false);
  }

  /**
   * Like {@link #pollCancel}, but reads the store at most once per {@link #CANCEL_POLL_PERIOD} of the
   * run's time source: workers ask before every slice, and with short slices a read per slice was a
   * round trip per slice for a request that comes once per run, if ever. Between reads the answer is
   * what the last read (or the periodic tick, or a cancel made in this process) left.
   *
   * @return true when the run is being cancelled
   */
  boolean pollCancelThrottled() {
    // One read at a time: a worker asking while another reads waits for that read's answer, so no
    // slice starts on a stale "not cancelled" while the request is on its way from the store.
    synchronized (cancelPollLock) {
      long last = cancelPolledAt.get();
      if (last != Long.MIN_VALUE && s.time.nanoTime() - last < CANCEL_POLL_PERIOD.toNanos()) {
        return s.cancelMode() != null;
      }
      return pollCancel();
    }
  }

  /**
   * Looks for a cancel request in the store and applies it to this process's part of the run.
   *
   * @return true when the run is being cancelled
   */
  boolean pollCancel() {
    cancelPolledAt.set(s.time.nanoTime());
    try {
      Optional<CancelRequest> request = s.store.cancelRequest(s.run.runId());
      request.ifPresent(s::cancelRequested);
    } catch (RuntimeException e) {
      log.warn("could not read the cancel request of run {}: {}", s.run.runId(), Redaction.describe(e));
    }
    return s.cancelMode() != null;
  }

  /** Sends a progress event when something changed and the last one is old enough (or when forced). */
  void progress(boolean force) {
    if (!s.bus.hasListeners()) {
      return;
    }
    synchronized (this) {
      long now = s.time.nanoTime();
      long seen = changes.get();
      boolean due = publishedAt == Long.MIN_VALUE || now - publishedAt >= PROGRESS_PERIOD.toNanos();
      if (!force && (seen == publishedChanges || !due)) {
        return;
      }
      publishedAt = now;
      publishedChanges = seen;
      s.publish(new BackfillEvent.ProgressUpdated(s.run.runId(), s.tracker.snapshot()));
    }
  }

  private void tick() {
    MDC.put(BackfillRun.MDC_RUN, s.run.runId());
    MDC.put(BackfillRun.MDC_TARGET, s.run.target());
    try {
      if (s.time.nanoTime() - beatAt >= beat.toNanos() - 1_000_000) {
        heartbeat();
      }
      pollCancel();
      progress(false);
    } finally {
      MDC.remove(BackfillRun.MDC_RUN);
      MDC.remove(BackfillRun.MDC_TARGET);
    }
  }

  private void heartbeat() {
    beatAt = s.time.nanoTime();
    try {
      s.store.heartbeat(s.run.runId(), s.options.workerId(), s.options.leaseTime());
    } catch (RuntimeException e) {
      log.warn("heartbeat of run {} failed, will retry: {}", s.run.runId(), Redaction.describe(e));
    }
  }
}
