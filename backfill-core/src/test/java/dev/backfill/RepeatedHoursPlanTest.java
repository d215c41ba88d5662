package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Plans of hourly partitions in America/New_York keep the two 01:00 hours of 2021-11-07 (the hour
 * repeated when clocks go back) in one slice: whatever the batch size, when only one of them needs
 * running, and in the JSON of the plan; a range that holds only one of them, selected, is refused.
 */
class RepeatedHoursPlanTest {
  static final Partitioning NEW_YORK = Partitioning.hourly(ZoneId.of("America/New_York"));
  static final PartitionRange MORNING = PartitionRange.of("2021-11-07T00", "2021-11-07T05");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-06-01T00:00:00Z"), ZoneOffset.UTC);

  final InMemoryStateStore store = new InMemoryStateStore(CLOCK);
  final Backfill<Row> backfill = Backfill.builder("hours").partitioning(NEW_YORK).source(new TestSource(1))
      .destination(new TestDestination()).stateStore(store).clock(CLOCK).build();

  @ParameterizedTest(name = "batchSize {0}")
  @CsvSource(delimiter = ';', value = {
      "1; 2021-11-07T00, 2021-11-07T01-04:00..2021-11-07T01-05:00, 2021-11-07T02, 2021-11-07T03, 2021-11-07T04, 2021-11-07T05",
      "2; 2021-11-07T00..2021-11-07T01-05:00, 2021-11-07T02..2021-11-07T03, 2021-11-07T04..2021-11-07T05",
      "3; 2021-11-07T00..2021-11-07T02, 2021-11-07T03..2021-11-07T05",
      "2147483647; 2021-11-07T00..2021-11-07T05"})
  void theTwoRepeatedHoursAreOneSliceWhateverTheBatchSize(int batchSize, String slices) {
    BackfillPlan plan = backfill.plan(MORNING, PlanOptions.defaults().batchSize(batchSize));

    assertThat(plan.slices()).extracting(PlannedSlice::key).containsExactly(slices.split(", "));
    assertThat(plan.partitionCount()).isEqualTo(7);
    assertThat(plan.toSlice(batchSize == 1 ? 1 : 0).partitions()).extracting(p -> p.key().value())
        .contains("2021-11-07T01-04:00", "2021-11-07T01-05:00");
    assertThat(BackfillPlan.fromJson(plan.toJson())).isEqualTo(plan);
    assertThat(BackfillPlan.fromJson(plan.toJson()).slices()).isEqualTo(plan.slices());
  }

  @Test
  void theRepeatedHoursSliceHasTheWindowOfBothAndTheLocalHourTheyShare() {
    Slice slice = backfill.plan(MORNING).toSlice(1);

    assertThat(slice.window().orElseThrow().start()).isEqualTo(Instant.parse("2021-11-07T05:00:00Z"));
    assertThat(slice.window().orElseThrow().end()).isEqualTo(Instant.parse("2021-11-07T07:00:00Z"));
    assertThat(slice.tokens().get("hour")).isEqualTo(java.time.LocalDateTime.parse("2021-11-07T01:00"));
    assertThat(slice.span("hour").single()).isTrue();
  }

  @Test
  void whenOneOfTheRepeatedHoursNeedsRunningBothRunTogether() {
    backfill.execute(backfill.plan(MORNING)).await();
    backfill.invalidate(PartitionRange.of("2021-11-07T01-05:00", "2021-11-07T01-05:00"));

    BackfillPlan plan = backfill.plan(MORNING);

    assertThat(plan.slices()).extracting(PlannedSlice::key, PlannedSlice::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2021-11-07T01-04:00..2021-11-07T01-05:00", Selection.INVALIDATED));
  }

  @Test
  void aRangeHoldingOnlyOneOfTheRepeatedHoursIsRefusedWhenItIsSelected() {
    PartitionRange secondOnward = PartitionRange.of("2021-11-07T01-05:00", "2021-11-07T03");

    assertThatThrownBy(() -> backfill.plan(secondOnward))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("holds only part of 2021-11-07T01-04:00 .. 2021-11-07T01-05:00",
            "America/New_York repeats", "starts at or before 2021-11-07T01-04:00");

    backfill.execute(backfill.plan(MORNING)).await();
    assertThat(backfill.plan(secondOnward).isEmpty()).as("nothing selected, nothing cut").isTrue();
  }

  @Test
  void aZoneWithoutDaylightSavingPlansEveryHourAlone() {
    Backfill<Row> utc = Backfill.builder("hours").partitioning(Partitioning.hourly(ZoneOffset.UTC))
        .source(new TestSource(1)).destination(new TestDestination()).clock(CLOCK).build();

    assertThat(utc.plan(PartitionRange.of("2021-11-07T00", "2021-11-07T05")).sliceCount()).isEqualTo(6);
  }
}
