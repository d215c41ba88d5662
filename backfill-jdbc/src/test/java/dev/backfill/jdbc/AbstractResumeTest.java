package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.SliceCheck;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.BackfillTestDriver;
import dev.backfill.testkit.CancelPoint;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run cancelled part way and resumed, on one state store and destination (issue 13, items 6 and 7):
 * the resumed run is judged by its run-level checks on the statistics of all its slices, including
 * those that committed before the cancel, and it runs with the concurrency, rate limit and retry
 * policy it was started with unless the resume overrides them. Everything runs on the test kit's
 * driver in virtual time. Subclasses name the store and the destination of a table
 * {@code visits (day, id, user_agent_family)}.
 */
abstract class AbstractResumeTest {
  static final PartitionRange FOUR_DAYS = PartitionRange.of("2024-03-01", "2024-03-04");
  static final PartitionRange TWELVE_DAYS = PartitionRange.of("2024-03-01", "2024-03-12");
  static final PlanOptions ALL = PlanOptions.defaults().select(Selection.RESTATE);

  BackfillTestDriver driver;

  /** A fresh state store for one test. */
  abstract StateStore newStore();

  /** The destination writing the table {@code visits}, created empty. */
  abstract DestinationNode<Row> visits();

  /** Rows in {@code visits}, as {@code day|id|user_agent_family} lines, sorted. */
  abstract List<String> visitRows();

  @BeforeEach
  void openDriver() {
    driver = BackfillTestDriver.builder().stateStore(newStore()).build();
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  /**
   * Four rows a day; on the days before {@code nullsBefore}, {@code nullsPerDay} of them have no
   * user agent family.
   */
  static SourceNode<Row> visitsSource(int nullsPerDay, LocalDate nullsBefore) {
    return (slice, ctx, sink) -> {
      LocalDate day = (LocalDate) slice.tokens().get("start_date");
      for (int i = 0; i < 4; i++) {
        @Nullable String family = day.isBefore(nullsBefore) && i < nullsPerDay ? null : "Firefox";
        sink.accept(Row.of("day", day, "id", day.getDayOfMonth() * 10 + i, "user_agent_family", family));
      }
    };
  }

  Backfill<Row> backfill(SourceNode<Row> source, WriteStrategy strategy, double maxNullRate) {
    return driver.backfill("visits").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source)
        .destination(visits())
        .strategy(strategy)
        .runCheck(SliceCheck.maxNullRate("user_agent_family", maxNullRate))
        .build();
  }

  /** Runs the plan's first two slices, cancels the run gracefully and returns its id. */
  String cancelledAfterTwoSlices(Backfill<Row> backfill, PartitionRange range) {
    BackfillPlan plan = backfill.plan(range, ALL);
    driver.start(backfill, plan);
    RunReport cancelled = driver.cancelAt(new CancelPoint(2, CancelMode.GRACEFUL));
    assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(cancelled.count(SliceStatus.SUCCEEDED)).isEqualTo(2);
    return cancelled.runId();
  }

  // ---- item 6: run-level checks after a resume ----

  @Test
  void aResumedRunIsJudgedByItsRunChecksOnAllItsSlicesAndSucceeds() {
    // 1 of 4 rows without a family on the first two days: 2 of 16 overall, under the 20 % limit
    Backfill<Row> backfill = backfill(visitsSource(1, LocalDate.parse("2024-03-03")), WriteStrategy.overwritePartition("day"),
        0.2);
    String runId = cancelledAfterTwoSlices(backfill, FOUR_DAYS);

    RunReport resumed = driver.runResume(backfill, runId, ExecutionOptions.defaults());

    assertThat(resumed.status()).as(resumed.message()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(resumed.count(SliceStatus.SUCCEEDED)).isEqualTo(4);
    assertThat(visitRows()).hasSize(16);
  }

  @Test
  void aResumedRunFailsItsRunCheckWhenTheSlicesCommittedBeforeTheCancelPushItOverTheLimit() {
    // every row of the first two days lacks the family: 8 of 16 overall, over the 40 % limit, while the
    // two resumed days alone have none
    Backfill<Row> backfill = backfill(visitsSource(4, LocalDate.parse("2024-03-03")), WriteStrategy.overwritePartition("day"),
        0.4);
    String runId = cancelledAfterTwoSlices(backfill, FOUR_DAYS);

    RunReport resumed = driver.runResume(backfill, runId, ExecutionOptions.defaults());

    assertThat(resumed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(resumed.message()).contains("run check").contains("user_agent_family")
        .contains("0.5 (8 of 16 rows) > maxNullRate 0.4");
  }

  @Test
  void aCancelledFullRebuildWithARunCheckSwapsAfterItsResume() {
    Backfill<Row> backfill = backfill(visitsSource(1, LocalDate.parse("2024-03-03")), WriteStrategy.fullRebuild(), 0.2);
    String runId = cancelledAfterTwoSlices(backfill, FOUR_DAYS);
    assertThat(visitRows()).as("nothing is swapped into place before the run succeeds").isEmpty();

    RunReport resumed = driver.runResume(backfill, runId, ExecutionOptions.defaults());

    assertThat(resumed.status()).as(resumed.message()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(resumed.message()).contains("full rebuild swapped into place");
    assertThat(visitRows()).hasSize(16).contains("2024-03-01|10|null", "2024-03-04|43|Firefox");
  }

  // ---- item 7: resume runs with the options the run was started with ----

  /**
   * Twelve days; after the resume, the first three slices to start wait (wall time, bounded) until
   * three are in flight, and {@code 2024-03-10} fails twice with a transient error before it succeeds.
   */
  final class Observed implements SourceNode<Row> {
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<Instant> starts = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    volatile boolean resumed;
    /** Whether the first three slices after the resume wait for each other (only where three may run at once). */
    volatile boolean awaitThree = true;
    final AtomicInteger waited = new AtomicInteger();

    @Override
    public void read(dev.backfill.Slice slice, dev.backfill.spi.SliceContext ctx,
        dev.backfill.spi.RecordSink<? super Row> sink) throws Exception {
      LocalDate day = (LocalDate) slice.tokens().get("start_date");
      int n = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(n, Math::max);
      try {
        if (resumed) {
          int attempt = calls.computeIfAbsent(day.toString(), k -> new AtomicInteger()).incrementAndGet();
          if (attempt == 1) {
            starts.add(driver.clock().instant());
          }
          if (awaitThree && waited.incrementAndGet() <= 3) {
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (maxInFlight.get() < 3 && System.nanoTime() < until) {
              Thread.sleep(5);
            }
          }
          if (day.getDayOfMonth() == 10 && attempt <= 2) {
            throw new SQLTransientConnectionException("connection reset (test, attempt " + attempt + ")", "08006");
          }
        }
        sink.accept(Row.of("day", day, "id", day.getDayOfMonth() * 10, "user_agent_family", "Firefox"));
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  static final ExecutionOptions STARTED_WITH = ExecutionOptions.builder()
      .maxConcurrency(3)
      .slicesPerSecond(0.1)
      .retry(RetryPolicy.exponential(4, Duration.ofSeconds(7)).jitter(0))
      .build();

  Backfill<Row> observedBackfill(Observed source) {
    return driver.backfill("visits").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source).destination(visits()).strategy(WriteStrategy.overwritePartition("day")).build();
  }

  String stoppedAfterTwoSlices(Backfill<Row> backfill) {
    driver.start(backfill, backfill.plan(TWELVE_DAYS, ALL), STARTED_WITH);
    RunReport cancelled = driver.cancelAt(new CancelPoint(2, CancelMode.GRACEFUL));
    assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
    return cancelled.runId();
  }

  @Test
  void aResumeWithoutOptionsRunsWithTheConcurrencyRateLimitAndRetryTheRunWasStartedWith() {
    Observed source = new Observed();
    Backfill<Row> backfill = observedBackfill(source);
    String runId = stoppedAfterTwoSlices(backfill);
    source.maxInFlight.set(0);
    source.resumed = true;

    Instant resumedAt = driver.clock().instant();
    RunReport resumed = driver.runResume(backfill, runId, ExecutionOptions.defaults());

    assertThat(resumed.status()).as(resumed.message()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(visitRows()).hasSize(12);
    assertThat(source.maxInFlight.get()).as("slices in flight at once (stored concurrency 3)").isEqualTo(3);
    assertThat(source.starts).hasSize(10);
    assertThat(Duration.between(resumedAt, lastStart(source)))
        .as("ten slice starts at 0.1 slices/s take at least 9 × 10 s of virtual time (the retries' backoff only 21 s)")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(90));
    List<BackfillEvent.SliceRetrying> retries = driver.events(BackfillEvent.SliceRetrying.class);
    assertThat(retries).extracting(BackfillEvent.SliceRetrying::sliceKey).containsExactly("2024-03-10", "2024-03-10");
    assertThat(retries).extracting(BackfillEvent.SliceRetrying::backoff)
        .as("the stored policy's backoff, 7 s doubling, without jitter")
        .containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(14));
    assertThat(resumed.slice("2024-03-10").orElseThrow().attempts()).isEqualTo(3);
  }

  @Test
  void optionsGivenToTheResumeWinOverTheStoredOnes() {
    Observed source = new Observed();
    Backfill<Row> backfill = observedBackfill(source);
    String runId = stoppedAfterTwoSlices(backfill);
    source.maxInFlight.set(0);
    source.resumed = true;
    source.awaitThree = false;

    Instant resumedAt = driver.clock().instant();
    RunReport resumed = driver.runResume(backfill, runId, ExecutionOptions.builder()
        .maxConcurrency(1)
        .retry(RetryPolicy.exponential(2, Duration.ofSeconds(3)).jitter(0))
        .build());

    assertThat(source.maxInFlight.get()).as("slices in flight at once (concurrency 1 given)").isEqualTo(1);
    assertThat(driver.events(BackfillEvent.SliceRetrying.class)).extracting(BackfillEvent.SliceRetrying::backoff)
        .containsExactly(Duration.ofSeconds(3));
    assertThat(resumed.status()).isEqualTo(RunStatus.FAILED);
    assertThat(resumed.slice("2024-03-10").orElseThrow().status()).isEqualTo(SliceStatus.FAILED);
    assertThat(Duration.between(resumedAt, lastStart(source)))
        .as("the stored rate limit still applies: it was not overridden")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(90));
  }

  static Instant lastStart(Observed source) {
    synchronized (source.starts) {
      return source.starts.stream().max(Instant::compareTo).orElseThrow();
    }
  }
}
