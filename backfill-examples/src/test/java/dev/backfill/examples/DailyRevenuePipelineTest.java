package dev.backfill.examples;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.Selection;
import dev.backfill.examples.DailyRevenuePipeline.Order;
import dev.backfill.testkit.BackfillTest;
import dev.backfill.testkit.BackfillTestDriver;
import dev.backfill.testkit.Crash;
import dev.backfill.testkit.CrashPoint;
import dev.backfill.testkit.Failures;
import dev.backfill.testkit.Faults;
import dev.backfill.testkit.InMemoryDestination;
import dev.backfill.testkit.InMemorySource;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;

/**
 * How a user tests {@link DailyRevenuePipeline} with the test kit: no database, no sleeping, time in
 * a virtual clock, slices stepped one by one, faults and crashes injected where production would
 * meet them.
 */
@BackfillTest
@ExtendWith(MockitoExtension.class)
class DailyRevenuePipelineTest {
  private static final PartitionRange MARCH = PartitionRange.of("2024-03-01", "2024-03-31");

  private final InMemorySource<Order> orders = Orders.everyDay();

  @Test
  void backfillsMarchWithOneRowPerCustomerAndDayAndRefundsNettedOut(BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET), orders, mart);

    RunReport report = driver.run(backfill, backfill.plan(MARCH));

    assertThatRun(report).succeeded().hasSlices(31).hasRows(93);
    assertThatDestination(mart).hasSize(93).hasUniqueKey("day", "customer_id")
        .hasRowsWhere("day", LocalDate.parse("2024-03-31"), 3);
    assertThat(mart.rowsWhere("day", LocalDate.parse("2024-03-02")))
        .extracting(r -> r.get("revenue_cents")).containsExactly(1020L, 2020L, 2720L);
  }

  @Test
  void aTransientDeadlockIsRetriedWithBackoffInVirtualTime(BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET),
        Faults.source(orders).failPartition("2024-03-05", 2, Failures::deadlock), mart);

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-07")),
        ExecutionOptions.builder().retry(RetryPolicy.exponential(5, Duration.ofSeconds(30)).jitter(0)).build());

    assertThatRun(report).succeeded().hasAttempts("2024-03-05", 3).hasAttempts("2024-03-04", 1);
    assertThat(driver.sleeper().sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60));
    assertThatDestination(mart).hasSize(21);
  }

  @Test
  void aDayWithoutOrdersFailsItsCheckAndKeepsThePublishedNumbers(BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET), orders, mart);
    driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")));
    List<Row> published = mart.rowsWhere("day", LocalDate.parse("2024-03-02"));
    orders.replace("2024-03-02", List.of());   // upstream lost the day's events

    RunReport rerun = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"),
        PlanOptions.defaults().select(Selection.RESTATE)));

    assertThatRun(rerun).failed().hasFailedCheck("2024-03-02").hasErrorContaining("2024-03-02", "rows 0 < minRows 1")
        .hasSucceeded("2024-03-01", "2024-03-03");
    assertThat(mart.rowsWhere("day", LocalDate.parse("2024-03-02"))).isEqualTo(published);
  }

  @Test
  void progressAndEtaWhileSteppingThroughSlowDays(BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET),
        Faults.source(orders).latency(Duration.ofMinutes(3), driver.sleeper()), mart);
    driver.start(backfill, backfill.plan(MARCH));

    driver.step(10);

    assertThat(driver.progress().succeeded()).isEqualTo(10);
    assertThat(driver.progress().eta()).contains(Duration.ofMinutes(21 * 3));
    assertThat(mart.countBy("day")).hasSize(10);
    assertThatRun(driver.runToEnd()).succeeded();
    assertThat(driver.clock().instant()).isEqualTo(java.time.Instant.parse("2024-06-01T01:33:00Z"));
  }

  @Test
  void aCrashBetweenCommitAndStatusIsRecoveredByResumeWithoutDuplicates(BackfillTestDriver driver, InMemoryDestination mart) {
    Crash crash = Crash.at(CrashPoint.AFTER_COMMIT_BEFORE_STATUS).onPartition("2024-03-10");
    Backfill<Row> dying = DailyRevenuePipeline.configure(
        driver.backfill(DailyRevenuePipeline.TARGET).stateStore(crash.stateStore(driver.stateStore())),
        orders, crash.destination(mart));
    String runId = driver.run(dying, dying.plan(MARCH)).runId();
    assertThat(crash.happened()).isTrue();
    assertThat(mart.countBy("day")).hasSize(10);

    Backfill<Row> restarted = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET), orders, mart);
    RunReport resumed = driver.runResume(restarted, runId, ExecutionOptions.defaults());

    assertThatRun(resumed).succeeded().hasAttempts("2024-03-10", 2).hasAttempts("2024-03-09", 1);
    assertThatDestination(mart).hasSize(93).hasUniqueKey("day", "customer_id");
  }

  @Test
  void onCallIsPagedForAFailedDayButNotForRetries(BackfillTestDriver driver, InMemoryDestination mart,
      @Mock SliceFailureAlerts.Pager pager) {
    Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET),
        Faults.source(orders)
            .failPartition("2024-03-02", 1, Failures::deadlock)
            .failPartition("2024-03-03", 1, Failures::undefinedTable), mart);

    driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-04")), ExecutionOptions.builder()
        .retry(RetryPolicy.exponential(3, Duration.ofSeconds(1))).listener(new SliceFailureAlerts(pager)).build());

    verify(pager).page(startsWith("backfill slice 2024-03-03 FAILED after 1 attempt(s): SQLException[42P01]"));
    verify(pager).page(contains("ended FAILED"));
    verify(pager, never()).page(contains("2024-03-02"));
  }

  @Test
  void plannedAgainAfterSuccessSelectsNothing(BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = DailyRevenuePipeline.configure(driver.backfill(DailyRevenuePipeline.TARGET), orders, mart);
    driver.run(backfill, backfill.plan(MARCH));

    BackfillPlan again = backfill.plan(MARCH);

    assertThat(again.isEmpty()).isTrue();
  }
}
