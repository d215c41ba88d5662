package dev.backfill.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.bench.compare.Engine;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;

/**
 * Keeps the JMH benchmarks and the memory checks compiling and runnable with tiny sizes; the
 * figures themselves come from the documented commands, never from unit tests.
 */
class BenchSmokeTest {

  @Test
  void jmhBenchmarksRunAndThePerSliceSummaryIsPrinted() throws Exception {
    Collection<RunResult> results = JmhCommand.run("-f", "0", "-wi", "0", "-i", "1", "-p", "partitions=2000",
        "-p", "slices=200", "PlannerBenchmark|ExecutorBenchmark");
    String summary = JmhCommand.summary(results);
    System.out.println(summary);

    assertThat(results).hasSize(2 + 2); // planner: 2 shapes; executor: 200 slices at concurrency 1 and 2
    assertThat(summary).contains("ExecutorBenchmark.execute", "slices=200", "µs/slice")
        .contains("PlannerBenchmark.plan", "shape=hourly", "shape=daily_x_keys");
  }

  @Test
  void memoryChecksRunOnSmallSizes() throws Exception {
    List<MemoryCheck.SliceHeap> readings = MemoryCheck.streaming(Engine.H2, 1_000, 5_000);
    String streaming = MemoryCheck.describeStreaming(Engine.H2, readings);
    String planner = MemoryCheck.planner(2_000);
    System.out.println(streaming + planner);

    assertThat(readings).extracting(MemoryCheck.SliceHeap::rows).containsExactly(1_000L, 5_000L);
    assertThat(streaming).contains("| 5,000 |", "large ÷ small");
    assertThat(planner).contains("plan of 2,000 partitions (1,000 selected");
  }
}
