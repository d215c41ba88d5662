package dev.backfill.internal;

import dev.backfill.BackfillRun;
import dev.backfill.SliceStatus;
import dev.backfill.TimeSource;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.SliceLease;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker threads of a graph run in this process: one pool under one concurrency cap for every
 * target's run. A slice is ready when every upstream slice it depends on in this run has SUCCEEDED;
 * ready slices are claimed by index ({@code StateStore.claimSlice}), lowest slice index first across
 * targets, so independent branches run side by side and a downstream partition starts as soon as its
 * upstream partitions have committed. A slice whose upstream failed, was skipped or cancelled, or
 * needs a partition that neither succeeded before nor is in the run, is claimed and settled SKIPPED
 * with a message naming that upstream. Each target's run is finished (its {@link RunFinisher}) as
 * soon as nothing of it is left, so upstream runs end before downstream ones.
 *
 * <p>Other processes working the same graph run are seen through the store: when nothing is ready
 * here, the statuses are read again, and slices held under leases that expire are taken over.
 */
final class GraphWorkers {
  private static final Logger log = LoggerFactory.getLogger(GraphWorkers.class);
  private static final long RECHECK_MILLIS = 200;

  private final List<GraphNode> nodes;
  private final int maxConcurrency;
  private final Duration leaseTime;
  private final String workerId;
  private final TimeSource time;
  private final Object lock = new Object();
  /** Ready slices as {@code slice << 20 | node}: lowest slice first, then upstream targets first. */
  private final PriorityQueue<Long> ready = new PriorityQueue<>();
  private int held;
  private long idleSince = -1;
  private boolean takeOver;

  GraphWorkers(List<GraphNode> nodes, int maxConcurrency, Duration leaseTime, String workerId, TimeSource time) {
    this.nodes = nodes;
    this.maxConcurrency = maxConcurrency;
    this.leaseTime = leaseTime;
    this.workerId = workerId;
    this.time = time;
    for (GraphNode n : nodes) {
      n.linkDependants(nodes);
      if (n.session != null) {
        n.session.onSettled((status, index) -> settled(n, index, status));
      }
    }
  }

  /** Runs the workers until every target's run is finished here. */
  void runToEnd() throws Exception {
    synchronized (lock) {
      nodes.forEach(n -> n.initialize(nodes, this::enqueue));
    }
    int pending = nodes.stream().mapToInt(GraphNode::pendingCount).sum();
    int n = Math.min(maxConcurrency, pending);
    if (n > 0) {
      Workers.inParallel(n, "backfill-graph-", this::loop);
    }
    finishRemaining(null);
  }

  /** Finishes every target's run not finished yet, with the failure that ended the workers, if any. */
  void finishRemaining(@Nullable String failure) {
    for (GraphNode n : nodes) {
      boolean mine;
      synchronized (lock) {
        mine = !n.finished;
        n.finished = true;
      }
      if (mine && n.session != null) {
        new RunFinisher(n.session, () -> runningElsewhere(n)).finish(failure);
      }
    }
  }

  private void loop() {
    while (true) {
      long item;
      synchronized (lock) {
        Long next = next();
        if (next == null) {
          return;
        }
        item = next;
      }
      GraphNode n = nodes.get((int) (item & 0xFFFFF));
      int index = (int) (item >>> 20);
      work(n, index);
    }
  }

  private void work(GraphNode n, int index) {
    RunSession<?> s = n.session;
    MDC.put(BackfillRun.MDC_RUN, n.runId);
    MDC.put(BackfillRun.MDC_TARGET, n.target);
    boolean claimed = false;
    try {
      if (!s.limits.awaitSlice(s)) {
        return;
      }
      Optional<SliceLease> lease = n.store.claimSlice(n.runId, index, workerId, leaseTime);
      if (lease.isEmpty()) {
        return;
      }
      claimed = true;
      String skip;
      synchronized (lock) {
        skip = n.skip[index];
      }
      if (s.stopping()) {
        n.runner.skip(lease.get());
      } else if (skip != null) {
        n.runner.skip(lease.get(), skip);
      } else {
        n.runner.run(lease.get());
      }
    } catch (RuntimeException e) {
      s.stop("the state store failed: " + Redaction.describe(e));
    } finally {
      Thread.interrupted();
      MDC.clear();
      synchronized (lock) {
        held--;
        n.held.clear(index);
        if (!claimed) {
          unclaimed(n, index);
        }
        lock.notifyAll();
      }
    }
  }

  /** A claim by index found the slice unclaimable: someone else has it, or the store refuses. */
  private void unclaimed(GraphNode n, int index) {
    if (n.session.stopping()) {
      return;
    }
    n.setStatus(index, SliceStatus.PENDING);
    refresh(n);
    if (n.status[index] == SliceStatus.PENDING && !takeOver) {
      // Nobody else holds it, yet the store would not hand it out: it no longer records anything.
      nodes.stream().filter(x -> x.session != null).forEach(x -> x.session.stop("the state store refused to"
          + " claim slice " + index + " of run " + n.runId + " although it is pending"));
    }
  }

  /** The next slice for a worker, or null when this process is done; called holding the lock. */
  private @Nullable Long next() {
    while (true) {
      Long item;
      while ((item = ready.poll()) != null) {
        GraphNode n = nodes.get((int) (item & 0xFFFFF));
        int index = (int) (item >>> 20);
        SliceStatus st = n.status[index];
        boolean claimable = st == SliceStatus.PENDING || st == SliceStatus.RUNNING && takeOver && !n.held.get(index);
        if (n.finished || n.session.stopping() || !claimable) {
          continue;
        }
        n.setStatus(index, SliceStatus.RUNNING);
        n.held.set(index);
        held++;
        idleSince = -1;
        takeOver = false;
        return item;
      }
      List<GraphNode> done = nodes.stream().filter(n -> !n.finished && n.held.isEmpty()
          && (n.session.stopping() || n.pendingCount() == 0 && n.runningCount() == 0)).toList();
      if (!done.isEmpty()) {
        finish(done);
        continue;
      }
      if (nodes.stream().allMatch(n -> n.finished)) {
        return null;
      }
      if (held == 0 && !waitForOthers()) {
        return null;
      }
      if (!ready.isEmpty()) {
        continue;
      }
      idle();
    }
  }

  /**
   * Nothing is ready and nothing runs here: reads what other processes did. Returns false when this
   * process has waited two lease times for them and leaves the rest to them.
   */
  private boolean waitForOthers() {
    nodes.stream().filter(n -> !n.finished).forEach(this::refresh);
    if (!ready.isEmpty()) {
      return true;
    }
    boolean elsewhere = nodes.stream().anyMatch(n -> !n.finished && n.runningCount() > 0);
    if (!elsewhere) {
      // Pending slices wait for upstream slices that nothing will run: say so and stop.
      nodes.stream().filter(n -> !n.finished).forEach(n -> n.session.stop("nothing can run: the remaining slices"
          + " wait for upstream slices that no worker holds"));
      return true;
    }
    long now = time.nanoTime();
    idleSince = idleSince < 0 ? now : idleSince;
    if (now - idleSince > leaseTime.toNanos()) {
      // Their leases may have expired with their process: offer them to claimSlice, which only takes expired ones.
      takeOver = true;
      for (GraphNode n : nodes) {
        for (int i = n.running.nextSetBit(0); i >= 0 && !n.finished; i = n.running.nextSetBit(i + 1)) {
          if (!n.held.get(i)) {
            enqueue(n, i);
          }
        }
      }
    }
    if (now - idleSince > leaseTime.multipliedBy(2).plusSeconds(1).toNanos()) {
      nodes.stream().filter(n -> !n.finished).forEach(n -> n.leftToOthers = true);
      finish(nodes.stream().filter(n -> !n.finished).toList());
      return false;
    }
    return true;
  }

  /**
   * Finishes runs that have nothing left here. Called holding the lock: workers that settle a slice
   * meanwhile wait for it; the finish only touches the store, the destination and the run's session.
   */
  private void finish(List<GraphNode> done) {
    for (GraphNode n : done) {
      n.finished = true;
      log.debug("graph run: finishing run {} of {}", n.runId, n.target);
      new RunFinisher(n.session, () -> runningElsewhere(n)).finish(null);
      if (!n.leftToOthers) {
        refresh(n);
      }
    }
  }

  /** Reads a run's slice statuses from the store and passes on what changed to the dependants. */
  private void refresh(GraphNode n) {
    StoredSlices.forEach(n.store, n.runId, r -> {
      int i = r.index();
      if (!n.held.get(i) && r.status() != n.status[i]) {
        n.setStatus(i, r.status());
        propagate(n, i);
      }
    });
  }

  private void settled(GraphNode n, int index, SliceStatus status) {
    synchronized (lock) {
      n.setStatus(index, status);
      propagate(n, index);
      lock.notifyAll();
    }
  }

  private void propagate(GraphNode n, int index) {
    SliceStatus st = n.status[index];
    if (st != SliceStatus.SUCCEEDED && !GraphNode.failedForGood(st)) {
      return;
    }
    for (long d : n.dependants(index)) {
      GraphNode m = nodes.get((int) (d >>> 32));
      int t = (int) d;
      if (m.status[t] != SliceStatus.PENDING) {
        continue;
      }
      if (st == SliceStatus.SUCCEEDED) {
        if (--m.waiting[t] == 0 && m.skip[t] == null) {
          enqueue(m, t);
        }
      } else if (m.skip[t] == null) {
        m.skip[t] = n.upstreamFailure(index, st);
        enqueue(m, t);
      }
    }
  }

  private void enqueue(GraphNode n, int index) {
    ready.add(((long) index << 20) | n.id);
  }

  private int runningElsewhere(GraphNode n) {
    return n.store.countSlices(n.runId).getOrDefault(SliceStatus.RUNNING, 0);
  }

  private void idle() {
    Duration period = Duration.ofMillis(Math.max(20, Math.min(200, leaseTime.toMillis() / 5)));
    TimeSource.Timer timer = time.schedule(period, () -> {
      synchronized (lock) {
        lock.notifyAll();
      }
    });
    try {
      lock.wait(RECHECK_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      timer.cancel();
    }
  }
}
