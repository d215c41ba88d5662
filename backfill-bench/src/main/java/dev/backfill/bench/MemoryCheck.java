package dev.backfill.bench;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PlanOptions;
import dev.backfill.bench.compare.BenchDatabase;
import dev.backfill.bench.compare.Dataset;
import dev.backfill.bench.compare.Engine;
import dev.backfill.bench.compare.OursContender;
import dev.backfill.bench.compare.Strategy;
import dev.backfill.bench.jmh.PlannerShapes;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two memory checks that JMH's allocation counter cannot answer:
 * <ul>
 *   <li>streaming: one slice of {@code smallRows} and one of {@code largeRows} rows appended
 *       through our library on one engine; peak heap should be flat (within 20 %), because rows
 *       stream from the source cursor to the destination's batches;
 *   <li>planner: heap retained by a plan of {@code planPartitions} partitions (daily × 1,000 keys,
 *       half with history) and the peak while planning. Goal: under 256 MB.
 * </ul>
 */
final class MemoryCheck {

  /** Goal for the streaming check: the large slice's peak within this factor of the small one's. */
  static final double STREAMING_TOLERANCE = 1.2;
  /** Goal for the planner check, in MiB. */
  static final double PLAN_HEAP_GOAL_MIB = 256;

  private MemoryCheck() {}

  /** One streaming measurement. */
  record SliceHeap(long rows, double seconds, HeapMeter.Reading heap) {}

  /**
   * Appends one slice of each size and measures the heap.
   *
   * @param engine the database
   * @param sizes slice sizes in rows, smallest first
   * @return one reading per size
   * @throws Exception on failure
   */
  static List<SliceHeap> streaming(Engine engine, long... sizes) throws Exception {
    List<SliceHeap> out = new ArrayList<>();
    for (long rows : sizes) {
      try (BenchDatabase db = BenchDatabase.open(engine, 4)) {
        db.load(new Dataset(rows, 1, LocalDate.of(2024, 1, 1)));
        OursContender ours = new OursContender();
        db.resetDestination(Strategy.APPEND);
        ours.run(db, Strategy.APPEND, 1); // warm-up
        db.resetDestination(Strategy.APPEND);
        try (HeapMeter meter = new HeapMeter().start()) {
          long t0 = System.nanoTime();
          ours.run(db, Strategy.APPEND, 1);
          double seconds = (System.nanoTime() - t0) / 1e9;
          HeapMeter.Reading heap = meter.stop();
          db.verify("ours");
          out.add(new SliceHeap(rows, seconds, heap));
        }
      }
    }
    return out;
  }

  /**
   * Prints the streaming table and verdict.
   *
   * @param engine engine measured
   * @param readings smallest first
   * @return text
   */
  static String describeStreaming(Engine engine, List<SliceHeap> readings) {
    StringBuilder b = new StringBuilder();
    b.append("| slice rows (").append(engine.label()).append(", append, ours) | seconds | peak heap in use MiB | peak live after GC MiB |\n");
    b.append("|---:|---:|---:|---:|\n");
    for (SliceHeap r : readings) {
      b.append(String.format(Locale.ROOT, "| %,d | %.1f | %.0f | %.0f |%n", r.rows(), r.seconds(), r.heap().peakUsedMiB(),
          r.heap().peakLiveMiB()));
    }
    SliceHeap small = readings.get(0);
    SliceHeap large = readings.get(readings.size() - 1);
    double usedRatio = large.heap().peakUsedMiB() / small.heap().peakUsedMiB();
    double liveRatio = large.heap().peakLiveMiB() / small.heap().peakLiveMiB();
    // The live set after a collection is what grows when rows are held; the peak in use adds
    // whatever garbage the young generation holds, which G1 sizes by itself unless -Xmn fixes it.
    b.append(String.format(Locale.ROOT, "%nlarge ÷ small: peak live %.2f× (goal ≤ %.2f×: %s); peak in use %.2f×%n", liveRatio,
        STREAMING_TOLERANCE, liveRatio <= STREAMING_TOLERANCE ? "met" : "missed", usedRatio));
    return b.toString();
  }

  /**
   * Measures the heap a plan retains and the peak while planning.
   *
   * @param partitions partitions in the range (daily × 1,000 keys)
   * @return text
   */
  static String planner(int partitions) {
    PlannerShapes.Shape shape = PlannerShapes.of("daily_x_keys", partitions);
    InMemoryStateStore store = new InMemoryStateStore();
    Backfill<Object> backfill = PlannerShapes.noOpBackfill(shape.partitioning(), store);
    BackfillPlan history = backfill.plan(shape.firstHalf(), PlanOptions.defaults());
    if (!backfill.execute(history, ExecutionOptions.builder().maxConcurrency(2).build()).await().succeeded()) {
      throw new IllegalStateException("setting up history failed");
    }
    BackfillPlan plan;
    HeapMeter.Reading peak;
    try (HeapMeter meter = new HeapMeter().start()) {
      plan = backfill.plan(shape.range());
      peak = meter.stop();
    }
    System.gc();
    long withPlan = HeapMeter.heapUsed();
    String text = String.format(Locale.ROOT, "plan of %,d partitions (%,d selected, %,d slices)", shape.size(),
        plan.partitionCount(), plan.sliceCount());
    plan = null; // measured against the heap without it, after the same collection
    System.gc();
    long without = HeapMeter.heapUsed();
    double mib = 1024.0 * 1024.0;
    double retainedMiB = (withPlan - without) / mib;
    double peakMiB = peak.peakLiveMiB() - without / mib;
    return text + String.format(Locale.ROOT, ": retains %.0f MiB; peak live while planning %.0f MiB above the"
        + " %.0f MiB of the store and its history (goal < %.0f MiB: %s)%n", retainedMiB, peakMiB, without / mib,
        PLAN_HEAP_GOAL_MIB, Math.max(retainedMiB, peakMiB) < PLAN_HEAP_GOAL_MIB ? "met" : "missed");
  }
}
