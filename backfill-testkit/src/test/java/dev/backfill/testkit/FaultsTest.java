package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Injected faults reach the executor as the real failures they imitate. */
class FaultsTest {
  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemorySource<Row> source = Fixtures.march(2);
  private final InMemoryDestination mart = InMemoryDestination.create();

  @AfterEach
  void close() {
    driver.close();
  }

  private RunReport run(SourceNode<Row> src, DestinationNode<Row> dst, ExecutionOptions options, String first, String last) {
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("mart.orders"), src, dst, WriteStrategy.overwritePartition("day"));
    return driver.run(backfill, backfill.plan(PartitionRange.of(first, last)), options);
  }

  private static ExecutionOptions retries(int attempts) {
    return ExecutionOptions.builder().retry(RetryPolicy.exponential(attempts, Duration.ofSeconds(1)).jitter(0)).build();
  }

  @Test
  void failingANamedPartitionTwiceEndsInSuccessOnTheThirdAttempt() {
    FaultySource<Row> flaky = Faults.source(source).failPartition("2024-03-02", 2, Failures::connectionLost);

    RunReport report = run(flaky, mart, retries(3), "2024-03-01", "2024-03-03");

    assertThatRun(report).succeeded().hasAttempts("2024-03-02", 3).hasAttempts("2024-03-01", 1);
    assertThat(flaky.injectedFailures()).isEqualTo(2);
    assertThat(flaky.reads()).isEqualTo(5);
    assertThat(driver.events(BackfillEvent.SliceRetrying.class)).extracting(BackfillEvent.SliceRetrying::error)
        .allMatch(e -> e.contains("08006") && e.contains("connection reset"));
  }

  @Test
  void failingTheNthCallHitsExactlyThatCall() {
    FaultySource<Row> flaky = Faults.source(source).failOnCall(2, Failures::undefinedTable);

    RunReport report = run(flaky, mart, retries(3), "2024-03-01", "2024-03-03");

    assertThatRun(report).failed().hasFailed("2024-03-02").hasAttempts("2024-03-02", 1)
        .hasErrorContaining("2024-03-02", "42P01").hasSucceeded("2024-03-01", "2024-03-03");
  }

  @Test
  void aDeadlockIsRetriedButAPermanentErrorIsNot() {
    FaultySource<Row> flaky = Faults.source(source)
        .failPartition("2024-03-01", 1, Failures::deadlock)
        .failPartition("2024-03-02", 1, Failures::serializationFailure)
        .failPartition("2024-03-03", 1, Failures.bug("NullPointer in mapping"));

    RunReport report = run(flaky, mart, retries(3), "2024-03-01", "2024-03-03");

    assertThatRun(report).hasSucceeded("2024-03-01", "2024-03-02").hasAttempts("2024-03-01", 2)
        .hasFailed("2024-03-03").hasAttempts("2024-03-03", 1).hasErrorContaining("2024-03-03", "NullPointer in mapping");
  }

  @Test
  void aSourceFailingMidSliceLeavesNothingOfTheSlice() {
    FaultySource<Row> flaky = Faults.source(Fixtures.march(5)).failPartitionAfterRecords("2024-03-02", 1, 3, Failures::connectionLost);

    RunReport report = run(flaky, mart, ExecutionOptions.builder().writeBatchSize(1).retry(RetryPolicy.none()).build(),
        "2024-03-01", "2024-03-03");

    assertThatRun(report).hasFailed("2024-03-02");
    assertThatDestination(mart).hasSize(10).hasNoRowsWhere("day", LocalDate.parse("2024-03-02"));
  }

  @Test
  void aFailingCommitIsRolledBackAndRetried() {
    FaultyDestination<Row> flaky = Faults.destination((DestinationNode<Row>) mart)
        .failPartition(FaultyDestination.Op.COMMIT, "2024-03-02", 1, Failures::serializationFailure);

    RunReport report = run(source, flaky, retries(2), "2024-03-01", "2024-03-03");

    assertThatRun(report).succeeded().hasAttempts("2024-03-02", 2);
    assertThat(flaky.calls(FaultyDestination.Op.COMMIT)).isEqualTo(4);
    assertThat(mart.aborts()).as("the failed commit's writer was aborted").isEqualTo(1);
    assertThatDestination(mart).hasSize(6).hasUniqueKey("id");
  }

  @Test
  void aFailingSwapLeavesTheLiveTableAndFailsTheRun() {
    mart.seed(Fixtures.row("2024-02-01", 1, "old"));
    FaultyDestination<Row> flaky = Faults.destination((DestinationNode<Row>) mart)
        .failOnCall(FaultyDestination.Op.FINISH_RUN, 1, Failures.bug("rename failed"));
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("mart.orders"), source, flaky, WriteStrategy.fullRebuild());

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")));

    assertThatRun(report).failed().hasMessageContaining("rename failed");
    assertThatDestination(mart).containsExactlyInAnyOrder(Fixtures.row("2024-02-01", 1, "old"));
  }

  @Test
  void latencyPassesInVirtualTimeAndMakesASlowPartitionAnOutlier() {
    FaultySource<Row> slow = Faults.source(source)
        .latency(Duration.ofSeconds(10), driver.sleeper())
        .latency("2024-03-04", Duration.ofMinutes(5), driver.sleeper());
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("mart.orders"), slow, mart, WriteStrategy.overwritePartition("day"));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-06")));

    driver.step(5);

    assertThat(driver.clock().instant()).isEqualTo(ManualClock.DEFAULT_START.plus(Duration.ofSeconds(50 + 300)));
    assertThat(driver.progress().outliers()).extracting(o -> o.sliceKey()).containsExactly("2024-03-04");
    driver.runToEnd();
  }

  @Test
  void latencyBeyondTheSliceDeadlineFailsLikeAStatementTimeoutAndIsRetried() {
    FaultySource<Row> slow = Faults.source(source).latency("2024-03-02", Duration.ofMinutes(45), driver.sleeper());
    ExecutionOptions options = ExecutionOptions.builder().sliceTimeout(Duration.ofMinutes(30))
        .retry(RetryPolicy.exponential(2, Duration.ofSeconds(1)).jitter(0)).build();

    RunReport report = run(slow, mart, options, "2024-03-01", "2024-03-03");

    assertThatRun(report).failed().hasFailed("2024-03-02").hasAttempts("2024-03-02", 2)
        .hasErrorContaining("2024-03-02", "57014").hasSucceeded("2024-03-01", "2024-03-03");
    assertThat(driver.sleeper().sleeps()).containsExactly(Duration.ofMinutes(30), Duration.ofSeconds(1),
        Duration.ofMinutes(30));
  }

  @Test
  void aStoreFailingToRecordASuccessLeavesTheDataCommittedAndTheSliceFailed() {
    FaultyStateStore store = Faults.stateStore(driver.stateStore())
        .failOnCall(FaultyStateStore.Op.COMPLETE, 2, () -> new IllegalStateException("state store unavailable (injected)"));
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("mart.orders").stateStore(driver.gate(store)), source, mart,
        WriteStrategy.overwritePartition("day"));
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"), PlanOptions.defaults());

    RunReport report = driver.run(backfill, plan, ExecutionOptions.builder().retry(RetryPolicy.none()).build());

    // at-least-once: the writer committed before the status could be recorded
    assertThatRun(report).hasStatus("2024-03-02", SliceStatus.FAILED)
        .hasErrorContaining("2024-03-02", "state store unavailable");
    assertThat(mart.countBy("day")).containsEntry("2024-03-02", 2L);
    assertThat(store.injectedFailures()).isEqualTo(1);
  }

  @Test
  void aStoreFailingAfterEverySliceStartedStopsNothingAndSaysSo() {
    // claims 1-3 hand out the three slices one by one; the fourth, asking for more, fails
    FaultyStateStore store = Faults.stateStore(driver.stateStore())
        .failOnCall(FaultyStateStore.Op.CLAIM, 4, () -> new IllegalStateException("state store unavailable (injected)"));
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("mart.orders").stateStore(driver.gate(store)), source, mart,
        WriteStrategy.overwritePartition("day"));

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")),
        ExecutionOptions.builder().maxConcurrency(1).build());

    assertThat(store.injectedFailures()).isEqualTo(1);
    assertThatRun(report).succeeded().hasSucceeded("2024-03-01", "2024-03-02", "2024-03-03");
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-01", "2024-03-02", "2024-03-03");
    assertThat(report.message()).contains("state store unavailable", "no slice was left unstarted")
        .doesNotContain("resume");
  }

  @Test
  void holdingAPartitionKeepsTwoSlicesInFlight() {
    Hold hold = new Hold();
    Backfill<Row> backfill = Fixtures.daily(driver.backfill("mart.orders"), Faults.source(source).hold("2024-03-01", hold),
        mart, WriteStrategy.overwritePartition("day"));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")),
        ExecutionOptions.builder().maxConcurrency(2).build());

    driver.startSlice();
    hold.awaitReached();
    assertThat(driver.step().key()).isEqualTo("2024-03-02");
    assertThat(driver.progress().running()).isEqualTo(1);
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-02");

    hold.release();
    driver.awaitSettled();
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-01", "2024-03-02");
    assertThatRun(driver.runToEnd()).succeeded();
  }
}
