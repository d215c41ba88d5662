package dev.backfill.internal;

import dev.backfill.BackfillRun;
import dev.backfill.SliceStatus;
import dev.backfill.TimeSource;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.SliceLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * This process's worker threads of a run: each claims a slice under a lease, hands it to the
 * {@link SliceRunner}, and claims the next, until nothing is left or the run stops. A worker that
 * finds nothing to claim while other processes still hold slices waits for their leases (their
 * process may have died; an expired lease is claimable again) for at most two lease times.
 */
final class Workers {
  private static final Logger log = LoggerFactory.getLogger(Workers.class);
  /** Other processes change the store without telling us: an idle worker looks again this often (wall time). */
  private static final long RECHECK_MILLIS = 200;

  private final RunSession<?> s;
  private final SliceRunner<?> runner;
  /** Slices this process's workers hold right now. */
  private final Set<Integer> held = ConcurrentHashMap.newKeySet();
  /**
   * Slices this process gave up when the state store failed under them: still RUNNING in the store under
   * this process's lease, but nobody works them (a resume reopens them).
   */
  private final Set<Integer> abandoned = ConcurrentHashMap.newKeySet();
  /** Signalled when a worker ends a slice or an idle period passes; idle workers wait on it. */
  private final Object wake = new Object();
  /** Guarded by {@link #wake}: slices ended plus idle periods passed, so a waiter knows something changed. */
  private long changes;
  /** Leases claimed for this process's idle workers in the same round trip, not yet started. */
  private final java.util.ArrayDeque<Ahead> ahead = new java.util.ArrayDeque<>();
  /** Workers of this process past their rate limit and asking for a slice: one claim serves them all. */
  private final AtomicInteger wanting = new AtomicInteger();

  /** A lease claimed ahead and when (time source nanos). */
  private record Ahead(SliceLease lease, long claimedAt) {}

  /**
   * Slices of this process shorter than this on average are claimed a round ahead: for them the claim's
   * round trip is a large share of a slice's cost, and holding a few leases ahead delays nobody long.
   */
  static final long SHORT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** Moving mean of this process's slice durations in time source nanos, -1 before the first ended. */
  private final AtomicLong meanSliceNanos = new AtomicLong(-1);

  Workers(RunSession<?> session) {
    this.s = session;
    this.runner = new SliceRunner<>(session);
  }

  /** Runs {@code maxConcurrency} workers (fewer for small runs) and waits until all have stopped. */
  void runToEnd() throws Exception {
    int n = Math.min(s.options.maxConcurrency(), s.run.sliceCount());
    if (n == 0) {
      return;
    }
    inParallel(n, "backfill-" + s.run.target() + "-", this::loop);
    // a lease claimed ahead that no worker took (they stopped meanwhile): skipped when the run is
    // stopping, else worked here
    for (Ahead a; (a = pollAhead()) != null; ) {
      work(a.lease());
    }
  }

  private @org.jspecify.annotations.Nullable Ahead pollAhead() {
    synchronized (ahead) {
      return ahead.poll();
    }
  }

  /**
   * The next slice for this worker: one claimed ahead, renewed first when it waited a third of the
   * lease time, or else one for each worker of this process asking now, claimed in one round trip.
   */
  private Optional<SliceLease> next() {
    synchronized (ahead) {
      try {
        return nextLocked();
      } finally {
        // under the lock, so the next worker in counts only the workers still waiting for a slice
        wanting.decrementAndGet();
      }
    }
  }

  private Optional<SliceLease> nextLocked() {
    for (Ahead a; (a = ahead.poll()) != null; ) {
      if (s.time.nanoTime() - a.claimedAt() < s.options.leaseTime().toNanos() / 3) {
        return Optional.of(a.lease());
      }
      Optional<SliceLease> renewed;
      try {
        renewed = s.store.renew(a.lease(), s.options.leaseTime());
      } catch (RuntimeException e) {
        abandoned.add(a.lease().index()); // still RUNNING under this process's lease; a resume reopens it
        throw e;
      }
      if (renewed.isPresent()) {
        return renewed;
      }
    }
    // the others asking wait on this lock and take from the queue as soon as it is released; short
    // slices claim a slice more for every thread, so most of them start without a round trip
    int idle = Math.max(1, wanting.get());
    long mean = meanSliceNanos.get();
    int extra = mean >= 0 && mean < SHORT_SLICE_NANOS ? s.options.maxConcurrency() : 0;
    List<SliceLease> claimed = s.store.claim(s.run.runId(), s.options.workerId(), s.options.leaseTime(), idle + extra);
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    long now = s.time.nanoTime();
    for (SliceLease l : claimed.subList(1, claimed.size())) {
      ahead.add(new Ahead(l, now));
    }
    return Optional.of(claimed.get(0));
  }

  /** Runs a loop on {@code n} threads of a pool of its own and waits until every one has returned. */
  static void inParallel(int n, String threadPrefix, Runnable loop) throws Exception {
    AtomicInteger ids = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(n, r -> new Thread(r, threadPrefix + ids.incrementAndGet()));
    try {
      List<Future<?>> loops = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        loops.add(threads.submit(loop));
      }
      for (Future<?> f : loops) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /** Slices RUNNING under leases this process does not hold. */
  int runningElsewhere() {
    int aheadCount;
    synchronized (ahead) {
      aheadCount = ahead.size();
    }
    return s.store.countSlices(s.run.runId()).getOrDefault(SliceStatus.RUNNING, 0) - held.size() - abandoned.size() - aheadCount;
  }

  private void loop() {
    MDC.put(BackfillRun.MDC_RUN, s.run.runId());
    MDC.put(BackfillRun.MDC_TARGET, s.run.target());
    TimeSource time = s.time;
    long idleSince = -1;
    // Waiting for other processes' slices is bounded: past two lease times their leases must have
    // expired and become claimable, so an empty claim then means nothing is left for this worker.
    long maxIdleNanos = s.options.leaseTime().multipliedBy(2).plusSeconds(1).toNanos();
    try {
      while (!s.stopping()) {
        try {
          if (!s.limits.awaitSlice(s)) {
            break;
          }
          long seen = changes();
          if (s.watch.pollCancelThrottled()) {
            break;
          }
          wanting.incrementAndGet();
          Optional<SliceLease> lease = next();
          if (lease.isEmpty()) {
            boolean waitedEnough = idleSince >= 0 && time.nanoTime() - idleSince > maxIdleNanos;
            if (s.stopping() || waitedEnough || runningElsewhere() <= 0) {
              break;
            }
            idleSince = idleSince < 0 ? time.nanoTime() : idleSince;
            idle(seen);
            continue;
          }
          idleSince = -1;
          work(lease.get());
        } catch (RuntimeException e) {
          s.stop("the state store failed: " + Redaction.describe(e) + poolHint(e));
        } finally {
          Thread.interrupted();
        }
      }
    } finally {
      MDC.clear();
    }
  }

  /** A store that waited in vain for a pooled connection most likely shares a pool too small for the run. */
  private String poolHint(RuntimeException e) {
    return Failures.poolHint(e, s.options.maxConcurrency());
  }

  private void work(SliceLease lease) {
    held.add(lease.index());
    try {
      if (s.stopping()) {
        // claimed while the run was stopping: the slice never starts
        runner.skip(lease);
      } else {
        long started = s.time.nanoTime();
        runner.run(lease);
        long took = s.time.nanoTime() - started;
        meanSliceNanos.getAndUpdate(m -> m < 0 ? took : m + (took - m) / 8);
      }
    } catch (RuntimeException e) {
      abandoned.add(lease.index());
      throw e;
    } finally {
      held.remove(lease.index());
      changed();
    }
  }

  private long changes() {
    synchronized (wake) {
      return changes;
    }
  }

  private void changed() {
    synchronized (wake) {
      changes++;
      wake.notifyAll();
    }
  }

  /**
   * Waits one idle period of the time source (a fifth of the lease time, 20-200 ms), or less when a
   * worker of this process ends a slice meanwhile; looks at the store again at least every
   * {@value #RECHECK_MILLIS} ms of wall time, since other processes finish slices without telling us.
   */
  private void idle(long seen) {
    Duration period = Duration.ofMillis(Math.max(20, Math.min(200, s.options.leaseTime().toMillis() / 5)));
    TimeSource.Timer timer = s.time.schedule(period, this::changed);
    try {
      synchronized (wake) {
        if (changes == seen && !s.stopping()) {
          wake.wait(RECHECK_MILLIS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      timer.cancel();
    }
  }
}
