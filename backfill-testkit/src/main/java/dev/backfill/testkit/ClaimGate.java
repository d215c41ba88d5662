package dev.backfill.testkit;

import dev.backfill.SliceStatus;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The driver's control over when slices start. Executor workers claim slices through a
 * {@link Gated} store; a closed gate holds each claim until the driver grants a permit, so slices
 * start one at a time and in a known order. The gate also knows which slices are in flight and
 * when each has settled (its status recorded and its last event delivered), which is what
 * {@link BackfillTestDriver#step()} waits for.
 *
 * <p>All state is guarded by this object's monitor; the event recorder notifies on it too.
 */
final class ClaimGate {
  /** A slice claimed by a worker thread that has not come back for the next one. */
  private static final class InFlight {
    final SliceLease lease;
    boolean recorded;

    InFlight(SliceLease lease) {
      this.lease = lease;
    }
  }

  private boolean open = true;
  private boolean draining;
  private int permits;
  private int claiming;
  private long results;
  private @Nullable SliceLease lastClaimed;
  private boolean lastWasEmpty;
  private final Map<Thread, InFlight> inFlight = new HashMap<>();
  private final List<BackfillEvent> events = new ArrayList<>();
  private final Map<Integer, Integer> terminalEvents = new HashMap<>();
  /** Final statuses recorded per slice index; each is followed by one terminal event. */
  private final Map<Integer, Integer> completions = new HashMap<>();

  /** Starts a new session: closed (stepping) or open. */
  synchronized void reset(boolean startOpen) {
    open = startOpen;
    draining = false;
    permits = 0;
    claiming = 0;
    results = 0;
    lastClaimed = null;
    lastWasEmpty = false;
    inFlight.clear();
    events.clear();
    terminalEvents.clear();
    completions.clear();
    notifyAll();
  }

  synchronized void open() {
    open = true;
    notifyAll();
  }

  /** Lets every waiting and later claim find nothing: the run is being cancelled. */
  synchronized void drain() {
    draining = true;
    notifyAll();
  }

  Optional<SliceLease> claim(StateStore delegate, String runId, String workerId, Duration leaseTime) {
    Thread me = Thread.currentThread();
    synchronized (this) {
      inFlight.remove(me);
      notifyAll();
      while (!open && permits == 0 && !draining) {
        try {
          wait();
        } catch (InterruptedException e) {
          me.interrupt();
          return Optional.empty();
        }
      }
      if (draining) {
        return Optional.empty();
      }
      if (!open) {
        permits--;
      }
      claiming++;
    }
    Optional<SliceLease> lease = Optional.empty();
    try {
      lease = delegate.claim(runId, workerId, leaseTime);
      return lease;
    } finally {
      synchronized (this) {
        claiming--;
        results++;
        lastWasEmpty = lease.isEmpty();
        if (lease.isPresent()) {
          lastClaimed = lease.get();
          inFlight.put(me, new InFlight(lease.get()));
        }
        notifyAll();
      }
    }
  }

  /** Records that the calling worker's slice has its final status in the store. */
  void completed(StateStore delegate, SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
    delegate.complete(lease, outcome, transaction);
    synchronized (this) {
      completions.merge(lease.index(), 1, Integer::sum);
      InFlight f = inFlight.get(Thread.currentThread());
      if (f != null) {
        f.recorded = true;
        notifyAll();
      }
    }
  }

  synchronized void event(BackfillEvent event) {
    events.add(event);
    if (event instanceof BackfillEvent.RunStopping) {
      // the run starts no more slices: workers waiting here find nothing
      draining = true;
    }
    if (event instanceof BackfillEvent.SliceSucceeded s) {
      terminalEvents.merge(s.index(), 1, Integer::sum);
    } else if (event instanceof BackfillEvent.SliceFailed f) {
      terminalEvents.merge(f.index(), 1, Integer::sum);
    }
    notifyAll();
  }

  synchronized List<BackfillEvent> events() {
    return List.copyOf(events);
  }

  /**
   * Grants one claim and waits until a worker used it.
   *
   * @return the claimed lease, or empty when no slice was left (or the run ended first)
   */
  Optional<SliceLease> grantOne(BooleanSupplier runDone, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      long before = results;
      permits++;
      notifyAll();
      while (results == before) {
        if (runDone.getAsBoolean()) {
          permits = 0;
          return Optional.empty();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          permits = Math.max(0, permits - 1);
          throw new IllegalStateException("no worker came to claim a slice within " + timeout
              + "; is the run still preparing (beginRun) or blocked?");
        }
        wait(Math.min(20, Math.max(1, left / 1_000_000)));
      }
      return lastWasEmpty ? Optional.empty() : Optional.ofNullable(lastClaimed);
    }
  }

  /**
   * Waits until every claimed slice settled: its worker came back for another claim, or its status
   * is recorded and its final event was delivered. Returns early when the run ended.
   */
  void awaitSettled(BooleanSupplier runDone, Duration timeout) throws InterruptedException {
    awaitSettled(-1, runDone, timeout);
  }

  /** As {@link #awaitSettled(BooleanSupplier, Duration)}, for one slice only (any when index < 0). */
  void awaitSettled(int index, BooleanSupplier runDone, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!settled(index) && !runDone.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("slice(s) " + inFlightKeys() + " did not settle within " + timeout
              + "; is a Hold still closed, or is the slice waiting for something else?");
        }
        // the run can end on another thread without touching this monitor: poll
        wait(Math.min(20, Math.max(1, left / 1_000_000)));
      }
    }
  }

  private boolean settled(int index) {
    if (index < 0 && claiming > 0) {
      return false;
    }
    for (InFlight f : inFlight.values()) {
      if ((index < 0 || f.lease.index() == index) && !f.recorded) {
        return false;
      }
    }
    // a worker may be back at the gate before the dispatcher delivered its slice's last event
    for (Map.Entry<Integer, Integer> c : completions.entrySet()) {
      if ((index < 0 || c.getKey() == index) && terminalEvents.getOrDefault(c.getKey(), 0) < c.getValue()) {
        return false;
      }
    }
    return true;
  }

  synchronized List<Integer> inFlightKeys() {
    return inFlight.values().stream().map(f -> f.lease.index()).sorted().toList();
  }

  /** The state store as the driver's runs see it: claims pass the gate. */
  static final class Gated extends ForwardingStateStore {
    private final ClaimGate gate;

    Gated(StateStore delegate, ClaimGate gate) {
      super(delegate);
      this.gate = gate;
    }

    boolean belongsTo(ClaimGate g) {
      return gate == g;
    }

    @Override
    public Optional<SliceLease> claim(String runId, String workerId, Duration leaseTime) {
      return gate.claim(delegate(), runId, workerId, leaseTime);
    }

    /** Each step lets one slice start: a batch claim takes one slice through the gate. */
    @Override
    public java.util.List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1, got " + max);
      }
      return gate.claim(delegate(), runId, workerId, leaseTime).map(java.util.List::of).orElse(java.util.List.of());
    }

    @Override
    public void complete(SliceLease lease, SliceOutcome outcome, ResourceProvider transaction) {
      gate.completed(delegate(), lease, outcome, transaction);
    }
  }
}
