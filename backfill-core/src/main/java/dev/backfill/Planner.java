package dev.backfill;

import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RunRecord;
import dev.backfill.internal.StoredSlices;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link BackfillPlan} in time and memory linear in the range: one byte of history flags per
 * partition, one pass over the target's partition states, one pass to select and group.
 */
final class Planner {
  private static final Logger log = LoggerFactory.getLogger(Planner.class);

  private static final byte HAS_STATE = 1;
  private static final byte SUCCEEDED = 2;
  private static final byte LAST_FAILED = 4;
  private static final byte INVALIDATED = 8;
  private static final byte OTHER_LOGIC = 16;
  private static final byte BUILT_PARTIAL = 32;
  private static final Selection[] PRIORITY = {
    Selection.FAILED, Selection.MISSING, Selection.PARTIAL, Selection.INVALIDATED, Selection.LOGIC_CHANGED,
    Selection.RESTATE
  };

  private final String target;
  private final Partitioning partitioning;
  private final @Nullable SourceNode<?> source;
  private final StateStore store;
  private final String logicVersion;
  private final Clock clock;

  Planner(String target, Partitioning partitioning, @Nullable SourceNode<?> source, StateStore store,
      String logicVersion, Clock clock) {
    this.target = target;
    this.partitioning = partitioning;
    this.source = source;
    this.store = store;
    this.logicVersion = logicVersion;
    this.clock = clock;
  }

  BackfillPlan plan(PartitionRange range, PlanOptions options, List<String> warnings) {
    return plan(range, options, warnings, Integer.MAX_VALUE);
  }

  /**
   * Plans a range; with {@code restateBefore} below the range's size, {@link Selection#RESTATE} (which
   * the options must select) applies only to the partitions before that index, the other reasons to
   * all: an incremental schedule's lookback re-runs the last partitions before the new ones, and only those.
   */
  BackfillPlan plan(PartitionRange range, PlanOptions options, List<String> warnings, int restateBefore) {
    if (options.batchSize() > 1 && !(partitioning instanceof CalendarPartitioning || partitioning instanceof CronPartitioning)) {
      throw new InvalidConfigurationException("batchSize " + options.batchSize() + " needs a single time partitioning; "
          + partitioning.describe() + " runs one partition per slice, use batchSize 1");
    }
    PartitionSequence seq = partitioning.enumerate(range);
    if (seq.size() > Integer.MAX_VALUE - 8) {
      throw new InvalidRangeException("range " + range + " holds " + seq.size() + " partitions; at most "
          + (Integer.MAX_VALUE - 8) + " can be planned at once, split the range");
    }
    int n = (int) seq.size();
    Instant now = clock.instant();
    Completeness completeness = Completeness.of(partitioning, seq, now, options.lateness());
    byte[] flags = new byte[n];
    long[] history = readHistory(seq, flags, completeness);
    List<String> inFlightRuns = new ArrayList<>();
    BitSet inFlight = inFlight(seq, inFlightRuns);
    long leftInFlight = 0;

    boolean probeAvailability = source != null && overrides(source, "availability");
    boolean askEstimates = options.estimateRows() && source != null && overrides(source, "estimate");
    Set<Selection> selection = options.selection();
    Set<Selection> afterRestate = selection;
    if (restateBefore != Integer.MAX_VALUE) {
      afterRestate = java.util.EnumSet.copyOf(selection);
      afterRestate.remove(Selection.RESTATE);
    }
    RepeatedHours repeated = RepeatedHours.of(partitioning, seq);
    SegmentBuilder segments = new SegmentBuilder();
    long unavailable = 0;
    String firstMissing = null;
    String lastMissing = null;
    String missingDetail = "";
    long rows = 0;
    long estimated = 0;
    long incomplete = 0;
    String firstIncomplete = null;
    String lastIncomplete = null;
    Instant firstCompleteAt = null;
    for (int i = 0; i < n; ) {
      // A unit: one partition, or the whole run of a repeated local hour, selected all or nothing.
      int run = repeated.isEmpty() ? -1 : repeated.runAt(i);
      int from = i;
      int to = run < 0 ? i + 1 : (int) Math.min(n, repeated.start(run) + repeated.length(run));
      i = to;
      Selection reason = null;
      for (int k = from; k < to; k++) {
        reason = stronger(reason, reason(flags[k], k < restateBefore ? selection : afterRestate));
      }
      if (reason == null) {
        continue;
      }
      int busy = inFlight.nextSetBit(from);
      if (busy >= 0 && busy < to) {
        // another run of the target holds these partitions now (PENDING or RUNNING there): never twice
        leftInFlight += to - from;
        continue;
      }
      if (run >= 0 && repeated.isCut(run, n)) {
        throw repeated.cutBy(run, range);
      }
      if (!completeness.listed(to - 1)) {
        // Not ended (with its lateness, moved by the end offset) yet: its data may still grow. Listed
        // in the plan's summary, and left out unless asked. An end offset of 1 lists (plans) the open
        // partition: it succeeds before it is complete and is planned again as PARTIAL later.
        incomplete += to - from;
        if (firstIncomplete == null) {
          firstIncomplete = seq.keyAt(from).value();
          firstCompleteAt = completeness.listedAt(to - 1);
        }
        lastIncomplete = seq.keyAt(to - 1).value();
        if (!options.partialAllowed()) {
          continue;
        }
      }
      if (probeAvailability || askEstimates) {
        boolean available = true;
        long unitRows = 0;
        long unitEstimated = 0;
        for (int k = from; k < to && available; k++) {
          Partition p = seq.get(k);
          if (probeAvailability) {
            Availability a = call(() -> source.availability(p), "availability", p);
            if (!a.available()) {
              available = false;
              if (firstMissing == null) {
                firstMissing = seq.keyAt(from).value();
                missingDetail = a.detail();
              }
              lastMissing = seq.keyAt(to - 1).value();
              continue;
            }
          }
          if (askEstimates) {
            Optional<Estimate> e = call(() -> source.estimate(p), "estimate", p);
            if (e.isPresent()) {
              unitRows = com.google.common.math.LongMath.saturatedAdd(unitRows, e.get().rows());
              unitEstimated++;
            }
          }
        }
        if (!available) {
          unavailable += to - from;
          continue;
        }
        rows = com.google.common.math.LongMath.saturatedAdd(rows, unitRows);
        estimated += unitEstimated;
      }
      for (int k = from; k < to; k++) {
        segments.add(k, reason);
      }
    }
    if (unavailable > 0 && options.unavailable() == PlanOptions.Unavailable.FAIL) {
      throw new DataUnavailableException("upstream data is gone for " + unavailable + " planned partition(s) of "
          + target + ": first " + firstMissing + ", last " + lastMissing + " (" + missingDetail + ");"
          + " plan a range after " + lastMissing + " or use PlanOptions.onUnavailable(SKIP)");
    }
    BackfillPlan.Unavailable skipped = unavailable == 0 ? BackfillPlan.Unavailable.NONE
        : new BackfillPlan.Unavailable(unavailable, firstMissing, lastMissing, missingDetail);
    BackfillPlan.Incomplete open = incomplete == 0 ? BackfillPlan.Incomplete.NONE
        : new BackfillPlan.Incomplete(incomplete, firstIncomplete, lastIncomplete, firstCompleteAt);
    CostEstimate.Inputs cost = new CostEstimate.Inputs(rows, estimated, options.estimateRows(), history[0], history[1]);
    List<String> allWarnings = warnings;
    if (leftInFlight > 0) {
      allWarnings = new ArrayList<>(warnings);
      allWarnings.add(leftInFlight + " partition(s) are in flight in run(s) " + String.join(", ", inFlightRuns)
          + " of " + target + " and were left out; plan them again once that run ended");
    }
    if (store instanceof InMemoryStateStore) {
      long planned = 0;
      for (int count : segments.counts()) {
        planned += count;
      }
      Optional<String> tooBig = InMemoryStateStore.footprintWarning(
          (planned + options.batchSize() - 1) / options.batchSize(), Runtime.getRuntime().maxMemory());
      if (tooBig.isPresent()) {
        allWarnings = new ArrayList<>(allWarnings);
        allWarnings.add(tooBig.get());
      }
    }
    BackfillPlan plan = new BackfillPlan(target, partitioning, range, options, logicVersion, now, seq,
        segments.starts(), segments.counts(), segments.reasons(), skipped, open, allWarnings, cost);
    log.info("planned {} of {} partitions of {} in {} slices over {}", plan.partitionCount(), n, target,
        plan.sliceCount(), range);
    return plan;
  }

  /** Partitions of the range that active runs of the target still have to do (PENDING or RUNNING there). */
  private BitSet inFlight(PartitionSequence seq, List<String> runIds) {
    BitSet busy = new BitSet();
    for (RunRecord run : store.runs(target)) {
      if (run.status().isFinal()) {
        continue;
      }
      boolean[] any = {false};
      StoredSlices.forEach(store, run.runId(), slice -> {
        if (slice.status() != SliceStatus.PENDING && slice.status() != SliceStatus.RUNNING) {
          return;
        }
        for (String key : slice.partitions()) {
          long i = seq.indexOf(new PartitionKey(key));
          if (i >= 0) {
            busy.set((int) i);
            any[0] = true;
          }
        }
      });
      if (any[0]) {
        runIds.add(run.runId());
      }
    }
    return busy;
  }

  /** Sets history flags per partition; returns {summed duration millis, partitions with a duration}. */
  private long[] readHistory(PartitionSequence seq, byte[] flags, Completeness completeness) {
    long[] history = new long[2];
    // A success after the last partition's end plus lateness cannot have been partial: only earlier
    // successes need their partition's end, so a history of past backfills costs no window lookups.
    Instant latestEnd = seq.size() == 0 ? null : completeness.completeAt(seq.size() - 1);
    store.forEachPartitionState(target, state -> {
      if (state.everSucceeded() && state.durationMillis() >= 0) {
        history[0] += state.durationMillis();
        history[1]++;
      }
      long i = seq.indexOf(new PartitionKey(state.key()));
      if (i < 0) {
        return;
      }
      byte f = HAS_STATE;
      if (state.everSucceeded()) {
        f |= SUCCEEDED;
        Instant succeeded = state.succeededAt();
        if (latestEnd != null && succeeded.isBefore(latestEnd)) {
          Instant completeAt = completeness.completeAt(i);
          if (completeAt != null && succeeded.isBefore(completeAt)) {
            f |= BUILT_PARTIAL;
          }
        }
        if (!logicVersion.equals(state.logicVersion() == null ? "" : state.logicVersion())) {
          f |= OTHER_LOGIC;
        }
      }
      if (state.lastFailed()) {
        f |= LAST_FAILED;
      }
      if (state.invalidated()) {
        f |= INVALIDATED;
      }
      flags[(int) i] = f;
    });
    return history;
  }

  /** The reason listed first in {@link #PRIORITY}, of two that may be null. */
  private static @Nullable Selection stronger(@Nullable Selection a, @Nullable Selection b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    for (Selection s : PRIORITY) {
      if (s == a || s == b) {
        return s;
      }
    }
    return a;
  }

  private static @Nullable Selection reason(byte f, Set<Selection> selection) {
    for (Selection s : PRIORITY) {
      if (selection.contains(s) && applies(s, f)) {
        return s;
      }
    }
    return null;
  }

  private static boolean applies(Selection s, byte f) {
    return switch (s) {
      case FAILED -> (f & LAST_FAILED) != 0;
      case MISSING -> (f & SUCCEEDED) == 0;
      case PARTIAL -> (f & BUILT_PARTIAL) != 0;
      case INVALIDATED -> (f & INVALIDATED) != 0;
      case LOGIC_CHANGED -> (f & OTHER_LOGIC) != 0;
      case RESTATE -> true;
    };
  }

  /** True when the source implements the method instead of inheriting the default. */
  private static boolean overrides(SourceNode<?> source, String method) {
    try {
      return source.getClass().getMethod(method, Partition.class).getDeclaringClass() != SourceNode.class;
    } catch (NoSuchMethodException e) {
      return true;
    }
  }

  private <R> R call(ProbeCall<R> probe, String what, Partition p) {
    try {
      return probe.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BackfillException(what + " probe of " + source.describe() + " failed for partition " + p.key()
          + " of " + target + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface ProbeCall<R> {
    R call() throws Exception;
  }

  /** Growable arrays of runs of consecutive partitions with one reason. */
  private static final class SegmentBuilder {
    private long[] starts = new long[16];
    private int[] counts = new int[16];
    private byte[] reasons = new byte[16];
    private int size;

    void add(long index, Selection reason) {
      if (size > 0 && reasons[size - 1] == reason.ordinal() && starts[size - 1] + counts[size - 1] == index) {
        counts[size - 1]++;
        return;
      }
      if (size == starts.length) {
        int cap = size * 2;
        starts = java.util.Arrays.copyOf(starts, cap);
        counts = java.util.Arrays.copyOf(counts, cap);
        reasons = java.util.Arrays.copyOf(reasons, cap);
      }
      starts[size] = index;
      counts[size] = 1;
      reasons[size] = (byte) reason.ordinal();
      size++;
    }

    long[] starts() {
      return java.util.Arrays.copyOf(starts, size);
    }

    int[] counts() {
      return java.util.Arrays.copyOf(counts, size);
    }

    byte[] reasons() {
      return java.util.Arrays.copyOf(reasons, size);
    }
  }
}
