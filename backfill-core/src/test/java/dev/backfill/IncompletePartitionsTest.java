package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Partitions that have not ended yet: left out of plans by default and listed with when they will
 * be complete; with a lateness, complete only that long after their end; with
 * {@code allowPartial()} run, and planned again as PARTIAL once complete. The backfill's clock says
 * "now": 2024-06-03T10:00Z, in the middle of the last day of the range.
 */
class IncompletePartitionsTest {
  static final PartitionRange JUNE_1_TO_3 = PartitionRange.of("2024-06-01", "2024-06-03");

  final ManualTestClock clock = new ManualTestClock(Instant.parse("2024-06-03T10:00:00Z"));
  final TestDestination destination = new TestDestination();
  final Backfill<Row> backfill = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC))
      .source(new TestSource(2)).destination(destination).strategy(WriteStrategy.overwritePartition("day"))
      .stateStore(new InMemoryStateStore(clock)).clock(clock).build();

  @Test
  void aDayThatHasNotEndedIsLeftOutAndListedInThePlan() {
    BackfillPlan plan = backfill.plan(JUNE_1_TO_3);

    assertThat(plan.slices()).extracting(PlannedSlice::key).containsExactly("2024-06-01", "2024-06-02");
    assertThat(plan.incomplete()).isEqualTo(new BackfillPlan.Incomplete(1, "2024-06-03", "2024-06-03",
        Instant.parse("2024-06-04T00:00:00Z")));
    assertThat(plan.describe()).contains("incomplete   1 left out, 2024-06-03 .. 2024-06-03",
        "complete at 2024-06-04T00:00:00Z", "PlanOptions.allowPartial() runs them now");
    assertThat(BackfillPlan.fromJson(plan.toJson())).isEqualTo(plan);
    backfill.execute(plan).await();
    assertThat(Fixtures.days(destination.rows())).containsExactly("2024-06-01", "2024-06-02");
  }

  @Test
  void withALatenessADayIsCompleteOnlyThatLongAfterItsEnd() {
    BackfillPlan plan = backfill.plan(JUNE_1_TO_3, PlanOptions.defaults().lateness(Duration.ofHours(12)));

    assertThat(plan.slices()).extracting(PlannedSlice::key).containsExactly("2024-06-01");
    assertThat(plan.incomplete().partitions()).isEqualTo(2);
    assertThat(plan.incomplete().completeAt()).isEqualTo(Instant.parse("2024-06-03T12:00:00Z"));
    assertThat(BackfillPlan.fromJson(plan.toJson()).options().lateness()).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void aDayRunBeforeItEndedIsPlannedAgainAsPartialOnceItIsComplete() {
    BackfillPlan partial = backfill.plan(JUNE_1_TO_3, PlanOptions.defaults().allowPartial());
    assertThat(partial.slices()).extracting(PlannedSlice::key).containsExactly("2024-06-01", "2024-06-02", "2024-06-03");
    assertThat(partial.describe()).contains("incomplete   1 planned partial");
    assertThat(backfill.execute(partial).await().status()).isEqualTo(RunStatus.SUCCEEDED);

    clock.advance(Duration.ofHours(1));
    BackfillPlan stillOpen = backfill.plan(JUNE_1_TO_3);
    assertThat(stillOpen.isEmpty()).isTrue();
    assertThat(stillOpen.incomplete().first()).isEqualTo("2024-06-03");

    clock.advance(Duration.ofHours(13));
    BackfillPlan complete = backfill.plan(JUNE_1_TO_3);
    assertThat(complete.slices()).extracting(PlannedSlice::key, PlannedSlice::reason)
        .containsExactly(tuple("2024-06-03", Selection.PARTIAL));
    assertThat(complete.incomplete().partitions()).isZero();
    backfill.execute(complete).await();

    assertThat(backfill.plan(JUNE_1_TO_3).isEmpty()).as("the complete day ran; nothing is left").isTrue();
  }

  @Test
  void aPartialDayIsRefreshedWhileStillOpenOnlyWhenPartialRunsAreAllowed() {
    backfill.execute(backfill.plan(JUNE_1_TO_3, PlanOptions.defaults().allowPartial())).await();
    clock.advance(Duration.ofHours(2));

    assertThat(backfill.plan(JUNE_1_TO_3, PlanOptions.defaults().allowPartial()).slices())
        .extracting(PlannedSlice::key, PlannedSlice::reason).containsExactly(tuple("2024-06-03", Selection.PARTIAL));
    assertThat(backfill.plan(JUNE_1_TO_3).isEmpty()).isTrue();
  }

  @Test
  void staticKeysHaveNoEndAndAreAlwaysComplete() {
    Backfill<Row> regions = Backfill.builder("regions").partitioning(Partitioning.keys("eu", "us").named("region"))
        .<Row>source((slice, ctx, sink) -> { }).destination(new TestDestination()).clock(clock).build();

    BackfillPlan plan = regions.plan(PartitionRange.of("eu", "us"));

    assertThat(plan.sliceCount()).isEqualTo(2);
    assertThat(plan.incomplete().partitions()).isZero();
  }

  @Test
  void onlyTheOpenDaysOfAMultiPartitioningAreLeftOut() {
    Backfill<Row> byRegion = Backfill.builder("regions")
        .partitioning(Partitioning.multi(Partitioning.keys("eu", "us").named("region"), Partitioning.daily(ZoneOffset.UTC)))
        .<Row>source((slice, ctx, sink) -> { }).destination(new TestDestination()).clock(clock).build();

    BackfillPlan plan = byRegion.plan(PartitionRange.of("eu|2024-06-02", "us|2024-06-04"));

    assertThat(plan.slices()).extracting(PlannedSlice::key).containsExactly("eu|2024-06-02", "us|2024-06-02");
    assertThat(plan.incomplete().partitions()).isEqualTo(4);
    assertThat(plan.incomplete().first()).isEqualTo("eu|2024-06-03");
    assertThat(plan.incomplete().last()).isEqualTo("us|2024-06-04");
  }
}
