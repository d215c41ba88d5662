package dev.backfill.bench.jmh;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RunReport;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * Runs {@code slices} no-op slices (hourly partitions, one per slice) through the executor with
 * the in-memory state store, at concurrency 1 and 2. The score is the time of a whole run; divide
 * by {@code slices} for the cost per slice (the {@code jmh} command prints that table). Goal: under
 * 20 µs per slice, and flat within 20 % from 10,000 to 100,000 slices. Planning is set up per
 * invocation and not timed. Fifteen warm-up runs: with fewer, a 10,000-slice run is still measured
 * while the JIT compiles, and looks slower per slice than a 100,000-slice one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 15)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ExecutorBenchmark {

  /** Slices per run. */
  @Param({"10000", "100000"})
  public int slices;

  /** Slices in flight. */
  @Param({"1", "2"})
  public int concurrency;

  private Backfill<Object> backfill;
  private BackfillPlan plan;
  private ExecutionOptions options;

  /** Plans a fresh run on a fresh store before each invocation. */
  @Setup(Level.Invocation)
  public void setUp() {
    DateTimeFormatter hour = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH");
    LocalDateTime first = LocalDateTime.of(2000, 1, 1, 0, 0);
    backfill = NoOpPipeline.backfill(Partitioning.hourly(ZoneOffset.UTC), new InMemoryStateStore());
    plan = backfill.plan(PartitionRange.of(first.format(hour), first.plusHours(slices - 1L).format(hour)));
    options = ExecutionOptions.builder().maxConcurrency(concurrency).build();
  }

  /**
   * Executes the plan to the end.
   *
   * @return the report, consumed by JMH
   */
  @Benchmark
  public RunReport execute() {
    RunReport report = backfill.execute(plan, options).await();
    if (!report.succeeded() || report.slices().size() != slices) {
      throw new IllegalStateException("run did not succeed: " + report.summary());
    }
    return report;
  }
}
