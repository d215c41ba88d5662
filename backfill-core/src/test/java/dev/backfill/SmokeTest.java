package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void runsADailyBackfill() {
    TestDestination dest = new TestDestination();
    Backfill<Row> b = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(new TestSource(3)).destination(dest).strategy(WriteStrategy.overwritePartition("day")).build();
    BackfillPlan plan = b.plan(PartitionRange.of("2024-03-01", "2024-03-31"));
    System.out.println(plan.describe());
    RunReport r = b.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();
    System.out.println(r.summary());
    assertThat(dest.rows()).hasSize(93);
    assertThat(b.plan(PartitionRange.of("2024-03-01", "2024-03-31")).isEmpty()).isTrue();
    assertThat(BackfillPlan.fromJson(plan.toJson())).isEqualTo(plan);
  }
}
