package dev.backfill.examples;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.Selection;
import dev.backfill.testkit.BackfillArbitraries;
import dev.backfill.testkit.BackfillTestDriver;
import dev.backfill.testkit.FailureSchedule;
import dev.backfill.testkit.InMemoryDestination;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Rules of {@link DailyRevenuePipeline} that hold for every range and every schedule of transient failures. */
class DailyRevenuePipelinePropertiesTest {
  private static final Partitioning DAYS = Partitioning.daily(DailyRevenuePipeline.ZONE);
  private static final PartitionRange MARCH = PartitionRange.of("2024-03-01", "2024-03-31");

  record Rerun(PartitionRange range, FailureSchedule failures) {}

  @Property(tries = 40)
  void rerunningAnyRangeIsIdempotent(@ForAll("reruns") Rerun rerun) {
    InMemoryDestination mart = InMemoryDestination.create();
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> clean = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET), Orders.everyDay(), mart);
      assertThatRun(driver.run(clean, clean.plan(MARCH))).succeeded();
      List<Row> published = mart.rows();

      Backfill<Row> flaky = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET),
          rerun.failures().applyTo(Orders.everyDay()), mart);
      assertThatRun(driver.run(flaky, flaky.plan(rerun.range(), PlanOptions.defaults().select(Selection.RESTATE)),
          ExecutionOptions.builder().maxConcurrency(3).retry(RetryPolicy.exponential(4, Duration.ofMinutes(1))).build()))
          .succeeded();

      assertThatDestination(mart).isEqualToIgnoringOrder(published);
    }
  }

  @Property(tries = 40)
  void everyCustomerHasExactlyItsNetRevenueOnEveryDayOfTheRange(@ForAll("marchRanges") PartitionRange range) {
    InMemoryDestination mart = InMemoryDestination.create();
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET), Orders.everyDay(), mart);
      assertThatRun(driver.run(backfill, backfill.plan(range))).succeeded();
    }

    for (Row r : mart.rows()) {
      LocalDate day = (LocalDate) r.get("day");
      assertThat(r.get("revenue_cents")).as("%s", r).isEqualTo(Orders.revenue(day, (Long) r.get("customer_id")));
    }
    assertThatDestination(mart).hasSize(3 * (int) DAYS.enumerate(range).size());
  }

  @Provide
  Arbitrary<PartitionRange> marchRanges() {
    return BackfillArbitraries.ranges(DAYS, MARCH);
  }

  @Provide
  Arbitrary<Rerun> reruns() {
    return marchRanges().flatMap(range -> BackfillArbitraries.failureSchedules(
        DAYS.enumerate(range).stream().map(p -> p.key().value()).toList(), 3).map(f -> new Rerun(range, f)));
  }
}
