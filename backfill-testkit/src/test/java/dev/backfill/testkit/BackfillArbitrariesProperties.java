package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.PartitionSequence;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.WriteStrategy;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

class BackfillArbitrariesProperties {
  private static final Partitioning DAILY = Partitioning.daily(ZoneOffset.UTC);
  private static final PartitionRange MARCH = PartitionRange.of("2024-03-01", "2024-03-31");

  @Property(tries = 300)
  void generatedRangesAreValidForTheirPartitioning(@ForAll("partitioningsWithRanges") Tuple2<Partitioning, PartitionRange> c) {
    PartitionSequence partitions = c.get1().enumerate(c.get2());

    assertThat(partitions.size()).isBetween(1L, 31L * 31L);
    String first = partitions.keyAt(0).value();
    assertThat(first.equals(c.get2().start()) || first.startsWith(c.get2().start() + "|"))
        .as("first partition %s of %s", first, c.get2()).isTrue();
  }

  @Provide
  Arbitrary<Tuple2<Partitioning, PartitionRange>> partitioningsWithRanges() {
    return BackfillArbitraries.partitionings().flatMap(p -> BackfillArbitraries.ranges(p).map(r -> Tuple.of(p, r)));
  }

  @Property(tries = 100)
  void plansCoverTheirWholeRange(@ForAll("marchPlans") BackfillPlan plan) {
    assertThat(plan.partitionCount()).isEqualTo(plan.rangeSize());
    assertThat(plan.sliceCount()).isBetween(1, 31);
  }

  /** Hourly ranges around New York's autumn change never hold only one of its two 01:00 hours. */
  @Property(tries = 200)
  void generatedHourlyRangesArePlannedWholeAcrossTheRepeatedHour(@ForAll("newYorkAutumnPlans") BackfillPlan plan) {
    assertThat(plan.partitionCount()).isEqualTo(plan.rangeSize());
  }

  @Provide
  Arbitrary<BackfillPlan> newYorkAutumnPlans() {
    Partitioning hourly = Partitioning.hourly(java.time.ZoneId.of("America/New_York"));
    Backfill<Row> backfill = Backfill.builder("hours").partitioning(hourly).source(InMemorySource.rows())
        .destination(InMemoryDestination.create()).build();
    return BackfillArbitraries.plans(backfill, BackfillArbitraries.ranges(hourly,
        PartitionRange.of("2024-11-03T00", "2024-11-03T03")));
  }

  @Provide
  Arbitrary<BackfillPlan> marchPlans() {
    Backfill<Row> backfill = Fixtures.daily(Backfill.builder("orders"), Fixtures.march(1), InMemoryDestination.create(),
        WriteStrategy.overwritePartition("day"));
    return BackfillArbitraries.plans(backfill, BackfillArbitraries.ranges(DAILY, MARCH));
  }

  @Property(tries = 100)
  void failureSchedulesStayWithinTheirBounds(@ForAll("schedules") FailureSchedule schedule) {
    assertThat(schedule.failures().keySet()).allMatch(k -> k.startsWith("2024-03-0"));
    assertThat(schedule.maxFailures()).isBetween(0, 2);
    assertThat(schedule.failures().values()).allMatch(n -> n >= 1);
  }

  @Provide
  Arbitrary<FailureSchedule> schedules() {
    return BackfillArbitraries.failureSchedules(List.of("2024-03-01", "2024-03-02", "2024-03-03"), 2);
  }

  /** Issue 4's property, written with the kit: cancel + resume ends like one uninterrupted run. */
  @Property(tries = 40)
  void cancelAndResumeEndsLikeAnUninterruptedRun(@ForAll("scenarios") Scenario s) {
    InMemoryDestination expected = InMemoryDestination.create();
    try (BackfillTestDriver reference = BackfillTestDriver.create()) {
      Backfill<Row> b = Fixtures.daily(reference.backfill("orders"), Fixtures.march(2), expected, s.strategy());
      assertThatRun(reference.run(b, b.plan(s.range()))).succeeded();
    }

    InMemoryDestination actual = InMemoryDestination.create();
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> b = Fixtures.daily(driver.backfill("orders"), s.failures().applyTo(Fixtures.march(2)), actual,
          s.strategy());
      ExecutionOptions options = ExecutionOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofSeconds(1))).build();
      driver.start(b, b.plan(s.range()), options);
      RunReport cancelled = driver.cancelAt(s.cancel());
      RunReport end = cancelled.status() == RunStatus.SUCCEEDED ? cancelled
          : driver.runResume(b, cancelled.runId(), options);

      assertThatRun(end).succeeded();
    }
    assertThatDestination(actual).isEqualToIgnoringOrder(expected.rows());
    assertThat(actual.openWriters()).isZero();
  }

  record Scenario(PartitionRange range, WriteStrategy strategy, FailureSchedule failures, CancelPoint cancel) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    return BackfillArbitraries.ranges(DAILY, MARCH).flatMap(range -> {
      List<String> keys = DAILY.enumerate(range).stream().map(p -> p.key().value()).toList();
      return Combinators.combine(
          Arbitraries.of(WriteStrategy.overwritePartition("day"), WriteStrategy.merge("id")),
          BackfillArbitraries.failureSchedules(keys, 2),
          BackfillArbitraries.cancelPoints(keys.size()))
          .as((strategy, failures, cancel) -> new Scenario(range, strategy, failures, cancel));
    });
  }
}
