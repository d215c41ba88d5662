package dev.backfill.internal;

import dev.backfill.TimeSource;
import dev.backfill.spi.LeaseLostException;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.SliceLease;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a worker's lease on one slice: renews it on the run's time source (a heartbeat every third of
 * the lease time), moves it to the next attempt, and aborts the current attempt when a heartbeat
 * finds the lease gone (it expired and another worker claimed the slice).
 */
final class LeaseKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final RunSession<?> session;
  private final TimeSource.Timer heartbeat;
  private SliceLease lease;
  private volatile @Nullable AttemptContext current;

  LeaseKeeper(RunSession<?> session, SliceLease first) {
    this.session = session;
    this.lease = first;
    Duration beat = Duration.ofMillis(Math.max(200, session.options.leaseTime().toMillis() / 3));
    this.heartbeat = Timers.every(session.time, beat, this::renew);
  }

  synchronized SliceLease lease() {
    return lease;
  }

  /** The attempt to abort when the lease is lost. */
  void watch(AttemptContext attempt) {
    this.current = attempt;
  }

  /**
   * Records the failed attempt (with its log excerpt) and starts the next one under the same lease.
   *
   * @throws LeaseLostException when the lease was lost meanwhile
   */
  synchronized SliceLease nextAttempt(String error, @Nullable String logExcerpt) {
    lease = session.store.nextAttempt(lease, error, logExcerpt);
    return lease;
  }

  private void renew() {
    try {
      synchronized (this) {
        Optional<SliceLease> renewed = session.store.renew(lease, session.options.leaseTime());
        if (renewed.isPresent()) {
          lease = renewed.get();
          return;
        }
      }
      AttemptContext ctx = current;
      if (ctx != null && ctx.cancel(AttemptContext.Reason.LEASE_LOST)) {
        log.warn("lease on slice {} of run {} was lost; aborting the attempt", ctx.slice().key(), session.run.runId());
      }
    } catch (RuntimeException e) {
      log.warn("heartbeat for run {} failed, will retry: {}", session.run.runId(), Redaction.describe(e));
    }
  }

  @Override
  public void close() {
    heartbeat.cancel();
  }
}
