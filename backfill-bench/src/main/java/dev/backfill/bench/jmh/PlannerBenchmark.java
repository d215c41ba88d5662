package dev.backfill.bench.jmh;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionRange;
import dev.backfill.PlanOptions;
import dev.backfill.RunReport;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Plans {@code partitions} partitions against an in-memory state store in which half of them
 * already succeeded (the first half of the range, written by a real run during setup), so the plan
 * selects the other half. Shapes: {@code daily_x_keys} (days × 1,000 static keys) and
 * {@code hourly} (consecutive UTC hours; 1,000,000 hours is about 114 years). Run with
 * {@code -prof gc} for the bytes allocated per plan. Goal: under 2 s per plan and under 256 MB of
 * heap (the fork runs with {@code -Xmx1g}; see the memory command for the plan's retained size).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PlannerBenchmark {

  /** Number of partitions in the planned range. */
  @Param({"1000000"})
  public int partitions;

  /** Shape of the range: {@code daily_x_keys} or {@code hourly}. */
  @Param({"daily_x_keys", "hourly"})
  public String shape;

  private Backfill<Object> backfill;
  private PartitionRange range;
  private long expected;

  /** Builds the range and records the first half of it as succeeded. */
  @Setup(Level.Trial)
  public void setUp() {
    PlannerShapes.Shape s = PlannerShapes.of(shape, partitions);
    backfill = NoOpPipeline.backfill(s.partitioning(), new InMemoryStateStore());
    range = s.range();
    BackfillPlan firstHalf = backfill.plan(s.firstHalf(), PlanOptions.defaults().batchSize(s.historyBatch()));
    RunReport history = backfill.execute(firstHalf, ExecutionOptions.builder().maxConcurrency(2).build()).await();
    if (!history.succeeded()) {
      throw new IllegalStateException("setting up history failed: " + history.summary());
    }
    expected = s.size() - firstHalf.partitionCount();
  }

  /**
   * Plans the whole range; half of it is selected.
   *
   * @return the plan, consumed by JMH
   */
  @Benchmark
  public BackfillPlan plan() {
    BackfillPlan plan = backfill.plan(range);
    if (plan.partitionCount() != expected) {
      throw new IllegalStateException("planned " + plan.partitionCount() + " partitions; expected " + expected);
    }
    return plan;
  }
}
