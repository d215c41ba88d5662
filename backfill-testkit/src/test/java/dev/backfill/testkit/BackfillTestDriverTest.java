package dev.backfill.testkit;

import static dev.backfill.testkit.Fixtures.daily;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.FailurePolicy;
import dev.backfill.PartitionRange;
import dev.backfill.Progress;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import java.time.Duration;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackfillTestDriverTest {
  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemoryDestination mart = InMemoryDestination.create();

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private Backfill<Row> backfill(dev.backfill.spi.SourceNode<Row> source) {
    return daily(driver.backfill("mart.orders"), source, mart, WriteStrategy.overwritePartition("day"));
  }

  @Test
  void stepRunsExactlyOneSliceAndNothingElseStarts() {
    Backfill<Row> backfill = backfill(Fixtures.march(2));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-05")));

    SliceReport first = driver.step();

    assertThat(first.key()).isEqualTo("2024-03-01");
    assertThat(first.status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-01");
    assertThat(driver.slices()).extracting(SliceReport::status)
        .containsExactly(SliceStatus.SUCCEEDED, SliceStatus.PENDING, SliceStatus.PENDING, SliceStatus.PENDING,
            SliceStatus.PENDING);
    Progress p = driver.progress();
    assertThat(p.succeeded()).isEqualTo(1);
    assertThat(p.running()).isZero();
    assertThat(p.remaining()).isEqualTo(4);
    assertThat(driver.events(BackfillEvent.SliceSucceeded.class)).extracting(BackfillEvent.SliceSucceeded::sliceKey)
        .containsExactly("2024-03-01");

    assertThat(driver.step().key()).isEqualTo("2024-03-02");
    RunReport report = driver.runToEnd();
    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(mart.size()).isEqualTo(10);
  }

  @Test
  void stepFailsClearlyWhenNoSliceIsLeft() {
    Backfill<Row> backfill = backfill(Fixtures.march(1));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-02")));
    driver.step(2);

    assertThatThrownBy(driver::step).isInstanceOf(NoSuchElementException.class).hasMessageContaining("no slice left");
    assertThat(driver.runToEnd().succeeded()).isTrue();
  }

  @Test
  void progressAndEtaFollowTheVirtualClock() {
    InMemorySource<Row> source = Fixtures.march(1);
    Backfill<Row> backfill = backfill(Faults.source(source).latency(Duration.ofMinutes(2), driver.sleeper()));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10")));

    driver.step(4);

    Progress p = driver.progress();
    assertThat(p.elapsed()).isEqualTo(Duration.ofMinutes(8));
    assertThat(p.p50()).contains(Duration.ofMinutes(2));
    assertThat(p.eta()).contains(Duration.ofMinutes(12));
    assertThat(p.slicesPerSecond()).isEqualTo(4 / 480.0);
    driver.runToEnd();
  }

  @Test
  void retryBackoffPassesInVirtualTime() {
    InMemorySource<Row> source = Fixtures.march(1);
    FaultySource<Row> flaky = Faults.source(source).failPartition("2024-03-02", 2, Failures::deadlock);
    Backfill<Row> backfill = backfill(flaky);
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"));
    ExecutionOptions options = ExecutionOptions.builder()
        .retry(RetryPolicy.exponential(3, Duration.ofSeconds(10)).jitter(0)).build();

    RunReport report = driver.run(backfill, plan, options);

    BackfillAssertions.assertThatRun(report).succeeded().hasAttempts("2024-03-02", 3);
    assertThat(driver.sleeper().sleeps()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertThat(driver.clock().instant()).isEqualTo(ManualClock.DEFAULT_START.plusSeconds(30));
    assertThat(driver.events(BackfillEvent.SliceRetrying.class))
        .extracting(BackfillEvent.SliceRetrying::failedAttempt).containsExactly(1, 2);
  }

  @Test
  void stepWithSeveralWorkersStillStartsOneSliceAtATime() {
    Backfill<Row> backfill = backfill(Fixtures.march(1));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-06")),
        ExecutionOptions.builder().maxConcurrency(3).build());

    assertThat(driver.step(3)).extracting(SliceReport::key).containsExactly("2024-03-01", "2024-03-02", "2024-03-03");
    assertThat(driver.progress().succeeded()).isEqualTo(3);
    assertThat(driver.progress().remaining()).isEqualTo(3);
    assertThat(driver.runToEnd().succeeded()).isTrue();
  }

  @Test
  void heldSliceCanBeObservedWhileRunningAndCancelledImmediately() {
    Hold hold = new Hold();
    Backfill<Row> backfill = backfill(Faults.source(Fixtures.march(1)).hold("2024-03-02", hold));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-04")));
    driver.step();

    assertThat(driver.startSlice()).isEqualTo("2024-03-02");
    hold.awaitReached();
    driver.clock().advance(Duration.ofMinutes(7));
    assertThat(driver.progress().running()).isEqualTo(1);
    driver.cancel(CancelMode.IMMEDIATE);
    RunReport report = driver.runToEnd();

    BackfillAssertions.assertThatRun(report).cancelled()
        .hasStatus("2024-03-01", SliceStatus.SUCCEEDED)
        .hasStatus("2024-03-02", SliceStatus.CANCELLED)
        .hasStatus("2024-03-03", SliceStatus.PENDING);
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-01");
    assertThat(mart.openWriters()).isZero();
  }

  @Test
  void failurePolicyStopsASteppedRunWithSeveralWorkers() {
    InMemorySource<Row> source = Fixtures.march(1);
    Backfill<Row> backfill = backfill(Faults.source(source).failPartition("2024-03-02", 1, Failures.bug("bad data")));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-05")),
        ExecutionOptions.builder().maxConcurrency(2).retry(RetryPolicy.none()).failurePolicy(FailurePolicy.stopAfter(1)).build());

    driver.step(2);
    RunReport report = driver.runToEnd();

    BackfillAssertions.assertThatRun(report).hasRunStatus(RunStatus.FAILED).hasFailed("2024-03-02")
        .hasStatus("2024-03-03", SliceStatus.SKIPPED).hasStatus("2024-03-05", SliceStatus.SKIPPED);
  }
}
