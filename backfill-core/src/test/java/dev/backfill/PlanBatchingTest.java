package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batch sizes at the edge of {@code int}: slice arithmetic must not overflow, and a batch larger than
 * the range (or than a run of selected partitions) is one slice holding all of it.
 */
class PlanBatchingTest {
  static final PartitionRange SIX_DAYS = PartitionRange.of("2023-01-01", "2023-01-06");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);

  @ParameterizedTest(name = "batchSize {0}")
  @ValueSource(ints = {6, 7, 1_000_000, Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 3, Integer.MAX_VALUE - 1,
      Integer.MAX_VALUE})
  void aBatchLargerThanTheRangeIsOneSliceHoldingEveryPartition(int batchSize) {
    TestDestination destination = new TestDestination();
    Backfill<Row> backfill = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(new TestSource(2)).destination(destination).strategy(WriteStrategy.overwritePartition("day"))
        .clock(CLOCK).build();

    BackfillPlan plan = backfill.plan(SIX_DAYS, PlanOptions.defaults().batchSize(batchSize));

    assertThat(plan.sliceCount()).isEqualTo(1);
    assertThat(plan.partitionCount()).isEqualTo(6);
    assertThat(plan.slice(0).key()).isEqualTo("2023-01-01..2023-01-06");
    assertThat(plan.slice(0).partitions()).isEqualTo(6);
    assertThat(plan.cost().slices()).isEqualTo(1);
    assertThat(BackfillPlan.fromJson(plan.toJson())).isEqualTo(plan);
    RunReport report = backfill.execute(plan).await();
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(Fixtures.days(destination.rows())).containsExactly("2023-01-01", "2023-01-02", "2023-01-03",
        "2023-01-04", "2023-01-05", "2023-01-06");
    assertThat(destination.rows()).hasSize(12);
  }

  @ParameterizedTest(name = "batchSize {0}")
  @ValueSource(ints = {Integer.MAX_VALUE - 3, Integer.MAX_VALUE})
  void aHugeBatchOverRunsOfDifferentReasonsMakesOneSlicePerRun(int batchSize) {
    InMemoryStateStore store = new InMemoryStateStore(CLOCK);
    TestDestination destination = new TestDestination();
    Backfill<Row> backfill = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(new TestSource(1)).destination(destination).strategy(WriteStrategy.overwritePartition("day"))
        .stateStore(store).clock(CLOCK).build();
    backfill.execute(backfill.plan(PartitionRange.of("2023-01-03", "2023-01-04"))).await();
    backfill.invalidate(PartitionRange.of("2023-01-04", "2023-01-04"));

    BackfillPlan plan = backfill.plan(SIX_DAYS, PlanOptions.defaults().batchSize(batchSize));

    assertThat(plan.slices()).extracting(PlannedSlice::key, PlannedSlice::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2023-01-01..2023-01-02", Selection.MISSING),
        org.assertj.core.groups.Tuple.tuple("2023-01-04", Selection.INVALIDATED),
        org.assertj.core.groups.Tuple.tuple("2023-01-05..2023-01-06", Selection.MISSING));
    assertThat(plan.partitionCount()).isEqualTo(5);
  }
}
