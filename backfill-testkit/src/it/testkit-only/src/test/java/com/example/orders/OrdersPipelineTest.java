package com.example.orders;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.testkit.BackfillTest;
import dev.backfill.testkit.BackfillTestDriver;
import dev.backfill.testkit.Failures;
import dev.backfill.testkit.Faults;
import dev.backfill.testkit.InMemoryDestination;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain JUnit 5 tests of the kind the README shows, with AssertJ. */
@BackfillTest
class OrdersPipelineTest {
  private static final PartitionRange FIRST_WEEK = PartitionRange.of("2024-03-01", "2024-03-07");

  @Test
  void aTransientDeadlockIsRetriedWithBackoffInVirtualTime(BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = Orders.pipeline(driver.backfill("mart.orders"),
        Faults.source(Orders.twoADay()).failPartition("2024-03-05", 2, Failures::deadlock), mart);

    RunReport report = driver.run(backfill, backfill.plan(FIRST_WEEK),
        ExecutionOptions.builder().retry(RetryPolicy.exponential(5, Duration.ofSeconds(30)).jitter(0)).build());

    assertThatRun(report).succeeded().hasAttempts("2024-03-05", 3);
    assertThat(driver.sleeper().sleeps()).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void anyConcurrencyWritesEachDayOnce(int workers, BackfillTestDriver driver, InMemoryDestination mart) {
    Backfill<Row> backfill = Orders.pipeline(driver.backfill("mart.orders"), Orders.twoADay(), mart);

    RunReport report = driver.run(backfill, backfill.plan(FIRST_WEEK),
        ExecutionOptions.builder().maxConcurrency(workers).build());

    assertThatRun(report).succeeded().hasSlices(7);
    assertThatDestination(mart).hasSize(14).hasUniqueKey("order_id");
  }
}
