package dev.backfill;

import static dev.backfill.Fixtures.MARCH;
import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.days;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.backfill.event.BackfillEvent;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ExecutorTest {

  @Test
  void concurrencyNeverExceedsTheCap() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    TestDestination dest = new TestDestination();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      int now = inFlight.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      Thread.sleep(1);
      inFlight.decrementAndGet();
    }), dest).build();
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-01-01", "2024-07-18"));
    assertThat(plan.sliceCount()).isEqualTo(200);

    RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(3).build()).await();

    assertThat(report.succeeded()).isTrue();
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(200);
    assertThat(peak.get()).isLessThanOrEqualTo(3).isGreaterThan(1);
    assertThat(dest.rows()).hasSize(400);
  }

  @Test
  void sliceRateLimitHoldsInEverySecond() {
    List<Long> starts = new CopyOnWriteArrayList<>();
    // rate-limit waits go through the sleeper: sleep for real here
    Backfill<Row> backfill = daily(source((slice, ctx) -> starts.add(System.nanoTime())), new TestDestination())
        .sleeper(Sleeper.SYSTEM).build();

    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-25")),
        ExecutionOptions.builder().maxConcurrency(4).slicesPerSecond(10).build()).await();

    List<Long> sorted = new ArrayList<>(starts);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(25);
    // At 10 slices per second no one-second window may hold more than 10 starts (+1 for the window edge).
    for (int i = 0; i < sorted.size(); i++) {
      long from = sorted.get(i);
      long inWindow = sorted.stream().filter(t -> t >= from && t < from + 1_000_000_000L).count();
      assertThat(inWindow).as("starts in the second after start #%d", i).isLessThanOrEqualTo(11);
    }
  }

  @Test
  void rowRateLimitHolds() {
    List<Long> batches = new CopyOnWriteArrayList<>();
    TestDestination dest = new TestDestination() {
      @Override
      public dev.backfill.spi.SliceWriter<Row> open(Slice slice, WriteStrategy strategy, dev.backfill.spi.SliceContext ctx) {
        dev.backfill.spi.SliceWriter<Row> inner = super.open(slice, strategy, ctx);
        return new ForwardingWriter(inner) {
          @Override
          public void write(List<? extends Row> batch) throws Exception {
            for (int i = 0; i < batch.size(); i++) {
              batches.add(System.nanoTime());
            }
            super.write(batch);
          }
        };
      }
    };
    Backfill<Row> backfill = daily(source((s, c) -> { }), dest).sleeper(Sleeper.SYSTEM).build();

    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-20")),
        ExecutionOptions.builder().maxConcurrency(2).rowsPerSecond(20).writeBatchSize(1).build()).await();

    List<Long> sorted = new ArrayList<>(batches);
    Collections.sort(sorted);
    assertThat(sorted).hasSize(40);
    for (int i = 0; i < sorted.size(); i++) {
      long from = sorted.get(i);
      long inWindow = sorted.stream().filter(t -> t >= from && t < from + 1_000_000_000L).count();
      assertThat(inWindow).as("rows in the second after row #%d", i).isLessThanOrEqualTo(22);
    }
  }

  @Test
  void sliceFailingTwiceThenSucceedingEndsSucceededWithThreeAttempts() {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    List<BackfillEvent> events = new CopyOnWriteArrayList<>();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (slice.key().equals("2024-03-05") && calls.computeIfAbsent(slice.key(), k -> new AtomicInteger()).incrementAndGet() <= 2) {
        throw new SQLTransientConnectionException("connection reset", "08006");
      }
    }), new TestDestination()).build();

    RunReport report = backfill.execute(backfill.plan(MARCH), ExecutionOptions.builder()
        .retry(RetryPolicy.exponential(3, Duration.ofMillis(10))).listener(events::add).build()).await();

    SliceReport slice = report.slice("2024-03-05").orElseThrow();
    assertThat(slice.status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(slice.attempts()).isEqualTo(3);
    assertThat(report.succeeded()).isTrue();
    assertThat(events).filteredOn(e -> e instanceof BackfillEvent.SliceRetrying).hasSize(2)
        .allSatisfy(e -> assertThat(((BackfillEvent.SliceRetrying) e).error()).contains("08006", "connection reset"));
    assertThat(backfill.stateStore().attempts(report.runId())).filteredOn(a -> a.key().equals("2024-03-05"))
        .extracting(a -> a.attempt() + ":" + a.status())
        .containsExactly("1:FAILED", "2:FAILED", "3:SUCCEEDED");
  }

  @Test
  void permanentlyFailingSliceEndsFailedAfterConfiguredAttemptsWhileOthersRun() {
    AtomicInteger attempts = new AtomicInteger();
    TestDestination dest = new TestDestination();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (slice.key().equals("2024-03-10")) {
        attempts.incrementAndGet();
        throw new SQLException("deadlock detected", "40P01");
      }
    }), dest).build();

    RunReport report = backfill.execute(backfill.plan(MARCH), ExecutionOptions.builder().maxConcurrency(2)
        .retry(RetryPolicy.exponential(4, Duration.ofMillis(1))).failurePolicy(FailurePolicy.continueAndReport()).build()).await();

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    SliceReport failed = report.slice("2024-03-10").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(4);
    assertThat(failed.error()).contains("40P01", "deadlock detected");
    assertThat(attempts.get()).isEqualTo(4);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(30);
    assertThat(days(dest.rows())).hasSize(30).doesNotContain("2024-03-10");
  }

  @Test
  void nonTransientFailureIsNotRetried() {
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (slice.key().equals("2024-03-02")) {
        throw new IllegalStateException("bad mapping for column amount");
      }
    }), new TestDestination()).build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03"))).await();

    SliceReport failed = report.slice("2024-03-02").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(failed.attempts()).isEqualTo(1);
    assertThat(failed.error()).contains("IllegalStateException", "bad mapping for column amount");
  }

  @Test
  void stopAfterFailuresSkipsTheRestAndResumeRunsThem() {
    AtomicInteger broken = new AtomicInteger(1);
    TestDestination dest = new TestDestination();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (broken.get() == 1 && slice.key().compareTo("2024-03-03") >= 0) {
        throw new IllegalArgumentException("upstream schema changed");
      }
    }), dest).build();

    RunReport first = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10")),
        ExecutionOptions.builder().failurePolicy(FailurePolicy.stopAfter(2)).build()).await();

    assertThat(first.status()).isEqualTo(RunStatus.FAILED);
    assertThat(first.count(SliceStatus.SUCCEEDED)).isEqualTo(2);
    assertThat(first.count(SliceStatus.FAILED)).isEqualTo(2);
    assertThat(first.count(SliceStatus.SKIPPED)).isEqualTo(6);
    assertThat(first.message()).contains("stopped after 2 failed slice(s)", "6 slice(s) skipped");

    broken.set(0);
    RunReport resumed = backfill.resume(first.runId()).await();
    assertThat(resumed.succeeded()).isTrue();
    assertThat(days(dest.rows())).hasSize(10);
  }

  @Test
  void failingCheckAbortsExactlyThatSlice() {
    TestDestination dest = new TestDestination();
    Backfill<Row> backfill = Backfill.builder("orders")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> {
          Object day = slice.tokens().get("start_date");
          boolean broken = day.toString().equals("2024-03-07");
          sink.accept(Row.of("day", day, "id", day + "#1", "customer_id", broken ? null : 7L));
          sink.accept(Row.of("day", day, "id", day + "#2", "customer_id", 8L));
        })
        .destination(dest)
        .strategy(WriteStrategy.overwritePartition("day"))
        .check(SliceCheck.minRows(1))
        .check(SliceCheck.maxNullRate("customer_id", 0.0))
        .build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-05", "2024-03-09"))).await();

    SliceReport bad = report.slice("2024-03-07").orElseThrow();
    assertThat(bad.status()).isEqualTo(SliceStatus.FAILED_CHECK);
    assertThat(bad.attempts()).isEqualTo(1);
    assertThat(bad.error()).contains("null rate of customer_id 0.5 (1 of 2 rows) > maxNullRate 0");
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(4);
    assertThat(days(dest.rows())).containsExactly("2024-03-05", "2024-03-06", "2024-03-08", "2024-03-09");
  }

  @Test
  void minRowsFailureNamesTheFigureAndTheBound() {
    Backfill<Row> backfill = Backfill.builder("orders")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> { })
        .destination(new TestDestination())
        .check(SliceCheck.minRows(1))
        .build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.single("2024-03-01"))).await();

    assertThat(report.slice("2024-03-01").orElseThrow().error()).isEqualTo("check minRows(1) failed: rows 0 < minRows 1");
    assertThat(report.slice("2024-03-01").orElseThrow().checks()).containsExactly("failed minRows(1): rows 0 < minRows 1");
  }

  @Test
  void warningCheckRecordsButCommits() {
    TestDestination dest = new TestDestination();
    Backfill<Row> backfill = daily(source((s, c) -> { }), dest).check(SliceCheck.minRows(5).warn()).build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.single("2024-03-01"))).await();

    assertThat(report.succeeded()).isTrue();
    assertThat(report.slices().get(0).checks()).containsExactly("warning minRows(5): rows 2 < minRows 5");
    assertThat(dest.rows()).hasSize(2);
  }

  @Test
  void sliceRunningPastItsTimeoutIsRolledBackAndRetried() {
    AtomicInteger attempts = new AtomicInteger();
    TestDestination dest = new TestDestination();
    List<BackfillEvent> events = new CopyOnWriteArrayList<>();
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (attempts.incrementAndGet() == 1) {
        Thread.sleep(30_000);
      }
    }), dest).build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.single("2024-03-01")), ExecutionOptions.builder()
        .sliceTimeout(Duration.ofMillis(200)).listener(events::add).build()).await();

    assertThat(report.succeeded()).isTrue();
    assertThat(report.slices().get(0).attempts()).isEqualTo(2);
    assertThat(events).filteredOn(e -> e instanceof BackfillEvent.SliceRetrying).singleElement()
        .satisfies(e -> assertThat(((BackfillEvent.SliceRetrying) e).error()).contains("exceeded its timeout of PT0.2S"));
    assertThat(dest.rows()).hasSize(2);
  }

  @Test
  void throwingListenerNeverBreaksTheRun() {
    List<BackfillEvent> seen = new CopyOnWriteArrayList<>();
    Backfill<Row> backfill = daily(source((s, c) -> { }), new TestDestination()).build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")), ExecutionOptions.builder()
        .listener(e -> {
          throw new IllegalStateException("listener bug");
        })
        .listener(seen::add)
        .build()).await();

    assertThat(report.succeeded()).isTrue();
    assertThat(seen.get(0)).isInstanceOf(BackfillEvent.RunStarted.class);
    assertThat(seen.get(seen.size() - 1)).isInstanceOf(BackfillEvent.RunFinished.class);
    assertThat(seen).filteredOn(e -> e instanceof BackfillEvent.SliceSucceeded).hasSize(3);
  }

  @Test
  void everyLogLineOfASliceCarriesRunTargetAndPartition() {
    org.slf4j.Logger userLog = LoggerFactory.getLogger("user.pipeline");
    Logger logger = (Logger) LoggerFactory.getLogger("user.pipeline");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    logger.addAppender(appender);
    try {
      Backfill<Row> backfill = daily(source((slice, ctx) -> userLog.info("reading {}", slice.key())), new TestDestination()).build();
      RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-04")),
          ExecutionOptions.builder().maxConcurrency(2).build()).await();

      assertThat(appender.list).hasSize(4).allSatisfy(e -> {
        Map<String, String> mdc = e.getMDCPropertyMap();
        assertThat(mdc).containsEntry("backfill.run", report.runId()).containsEntry("backfill.target", "orders");
        assertThat(e.getFormattedMessage()).isEqualTo("reading " + mdc.get("backfill.partition"));
      });
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void theStartLineSaysWhatTheRunIsExpectedToTakeWithItsOwnOptions() {
    Logger logger = (Logger) LoggerFactory.getLogger(dev.backfill.internal.RunLauncher.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      Backfill<Row> backfill = daily(source((s, c) -> { }), new TestDestination()).build();
      RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-04")),
          ExecutionOptions.builder().maxConcurrency(2).slicesPerSecond(20).build()).await();

      assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
          .contains("started run " + report.runId() + " of orders: 4 slices, concurrency 2, at-least-once, expected duration"
              + " 200ms (at least 200ms at the limit of 20 slices/s (4 slices); no run history for this target,"
              + " so it may take longer)");
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void inMemoryStoreRunsAreAtLeastOnce() {
    Backfill<Row> backfill = daily(source((s, c) -> { }), new TestDestination()).build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.single("2024-03-01"))).await();
    assertThat(report.guarantee()).isEqualTo(Guarantee.AT_LEAST_ONCE);
    assertThat(report.summary()).contains("at-least-once");
  }

  @Test
  void badExecutionOptionsAreRejectedNamingTheValue() {
    assertThatThrownBy(() -> ExecutionOptions.builder().maxConcurrency(-1).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("maxConcurrency -1");
    assertThatThrownBy(() -> ExecutionOptions.builder().writeBatchSize(0).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("writeBatchSize 0");
    assertThatThrownBy(() -> ExecutionOptions.builder().slicesPerSecond(-2).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("slicesPerSecond -2");
    assertThatThrownBy(() -> ExecutionOptions.builder().sliceTimeout(Duration.ZERO).build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("sliceTimeout PT0S");
    assertThatThrownBy(() -> RetryPolicy.exponential(0, Duration.ofSeconds(1)))
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("maxAttempts 0");
    assertThatThrownBy(() -> ExecutionOptions.builder().runId("x; drop table").build())
        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("runId 'x; drop table'");
  }

  @Test
  void planOfAnotherTargetIsRefused() {
    Backfill<Row> orders = daily(source((s, c) -> { }), new TestDestination()).build();
    Backfill<Row> refunds = Backfill.builder("refunds").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source((s, c) -> { })).destination(new TestDestination()).build();
    BackfillPlan plan = orders.plan(PartitionRange.single("2024-03-01"));

    assertThatThrownBy(() -> refunds.execute(plan))
        .isInstanceOf(InvalidConfigurationException.class).hasMessage("plan is for target orders, not refunds");
    assertThat(refunds.runs()).isEmpty();
  }

  @Test
  void runIdsAreStampedWithTheInjectedClock() {
    ManualTestClock clock = new ManualTestClock(Instant.parse("2030-01-02T03:04:05Z"));
    Backfill<Row> backfill = daily(source((s, c) -> { }), new TestDestination()).clock(clock).build();
    RunReport report = backfill.execute(backfill.plan(PartitionRange.single("2024-03-01"))).await();
    assertThat(report.runId()).startsWith("run-20300102-030405-");
    assertThat(report.startedAt()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));
  }
}
