package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.DataUnavailableException;
import dev.backfill.PartitionRange;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class InMemorySourceTest {
  private final InMemorySource<Row> orders = InMemorySource.rows()
      .add("2024-03-01", Fixtures.row("2024-03-01", 1, "a"), Fixtures.row("2024-03-01", 2, "b"))
      .add("2024-03-02", Fixtures.row("2024-03-02", 3, "c"))
      .unavailable("2024-02-28", "purged by the 90-day retention")
      .unavailable("2024-02-29", "purged by the 90-day retention");

  private Backfill<Row> backfill() {
    return Fixtures.daily(Backfill.builder("orders"), orders, InMemoryDestination.create(), WriteStrategy.append());
  }

  @Test
  void unavailablePartitionsStopThePlanWithTheSourcesExplanation() {
    assertThatThrownBy(() -> backfill().plan(PartitionRange.of("2024-02-27", "2024-03-02")))
        .isInstanceOf(DataUnavailableException.class)
        .hasMessageContaining("2024-02-28").hasMessageContaining("purged by the 90-day retention");

    BackfillPlan skipping = backfill().plan(PartitionRange.of("2024-02-27", "2024-03-02"),
        PlanOptions.defaults().onUnavailable(PlanOptions.Unavailable.SKIP));
    assertThat(skipping.unavailable().partitions()).isEqualTo(2);
    assertThat(skipping.sliceCount()).isEqualTo(3);
  }

  @Test
  void estimatesFeedThePlansCost() {
    orders.estimatesFromRecords().estimate("2024-03-03", 40);

    BackfillPlan plan = backfill().plan(PartitionRange.of("2024-03-01", "2024-03-03"));

    assertThat(plan.cost().rows()).isEqualTo(OptionalLong.of(43));
  }

  @Test
  void readsAreCountedPerPartition() throws Exception {
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> b = Fixtures.daily(driver.backfill("orders"), orders, InMemoryDestination.create(), WriteStrategy.append());
      driver.run(b, b.plan(PartitionRange.of("2024-03-01", "2024-03-04"), PlanOptions.defaults().batchSize(2)));
    }

    assertThat(orders.reads()).isEqualTo(2);
    assertThat(orders.reads("2024-03-02")).isEqualTo(1);
    assertThat(orders.reads("2024-03-05")).isZero();
    assertThat(orders.partitionsRead()).containsExactlyInAnyOrder("2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04");
  }
}
