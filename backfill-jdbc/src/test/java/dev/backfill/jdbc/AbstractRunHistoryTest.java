package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.Guarantee;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunDetails;
import dev.backfill.RunFilter;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.RunSummary;
import dev.backfill.SliceCheck;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStatus;
import dev.backfill.UnknownRunException;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.InMemoryDestination;
import dev.backfill.testkit.tck.RunHistoryContract;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RunHistory} over one state store: the test kit's {@link RunHistoryContract} (runs across
 * targets, stalled runs, cancel requests, attempts' log excerpts through the SPI) and a real run whose
 * slices' log lines reach the history through the real Logback appender (see logback-test.xml), with
 * who started it, its options, every attempt with its error, worker, timings, rows and checks.
 * Subclasses only name the store.
 */
abstract class AbstractRunHistoryTest extends RunHistoryContract {
  private static final Logger log = LoggerFactory.getLogger("dev.backfill.jdbc.history.Pipeline");

  @Test
  void aRunShowsWhoStartedItItsOptionsAttemptsErrorsChecksAndTheLogLinesOfEachAttempt() {
    AtomicInteger calls = new AtomicInteger();
    Backfill<Row> backfill = Backfill.builder("mart.daily")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          log.info("reading {} as etl with password=hunter2", day);
          if (day.getDayOfMonth() == 2 && calls.incrementAndGet() == 1) {
            log.warn("deadlock on {}, the executor retries", day);
            throw new SQLTransientConnectionException("connection reset by <peer>", "08006");
          }
          if (day.getDayOfMonth() == 3) {
            throw new IllegalStateException("no such table: <events>");
          }
          for (int i = 0; i < day.getDayOfMonth(); i++) {
            sink.accept(Row.of("day", day, "id", i));
          }
        })
        .destination(InMemoryDestination.create())
        .strategy(WriteStrategy.overwritePartition("day"))
        .check(SliceCheck.minRows(1))
        .stateStore(store())
        .build();

    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-04")),
        ExecutionOptions.builder().maxConcurrency(2).workerId("worker-a")
            .retry(RetryPolicy.exponential(3, Duration.ofMillis(1)).jitter(0)).build()).await();
    RunDetails run = history().run(report.runId());

    assertThat(run.summary().status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.summary().counts()).containsEntry(SliceStatus.SUCCEEDED, 3).containsEntry(SliceStatus.FAILED, 1);
    assertThat(run.summary().startedBy()).startsWith(System.getProperty("user.name") + "@");
    assertThat(run.options()).containsEntry("maxConcurrency", "2").containsEntry("workerId", "worker-a");
    assertThat(run.environment()).isEqualTo("default");
    assertThat(run.planDescription()).contains("2024-03-01");
    assertThat(run.rows()).isEqualTo(1 + 2 + 4);
    assertThat(run.retries()).isEqualTo(1);

    SliceHistory retried = run.slice("2024-03-02").orElseThrow();
    assertThat(retried.status()).isEqualTo(SliceStatus.SUCCEEDED);
    assertThat(retried.worker()).isEqualTo("worker-a");
    assertThat(retried.rows()).isEqualTo(2);
    assertThat(retried.checks()).singleElement().asString().contains("minRows");
    assertThat(retried.duration()).isPresent();
    assertThat(retried.attempts()).extracting(SliceHistory.Attempt::number, SliceHistory.Attempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, SliceStatus.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, SliceStatus.SUCCEEDED));
    assertThat(retried.attempts().get(0).error()).contains("08006", "connection reset by <peer>");
    assertThat(retried.attempts().get(0).logExcerpt())
        .contains("reading 2024-03-02 as etl with password=***", "deadlock on 2024-03-02")
        .doesNotContain("hunter2", "2024-03-01");
    assertThat(retried.attempts().get(1).logExcerpt()).contains("reading 2024-03-02").doesNotContain("deadlock");
    assertThat(retried.logExcerpt()).isEqualTo(retried.attempts().get(1).logExcerpt());

    SliceHistory failed = run.slice("2024-03-03").orElseThrow();
    assertThat(failed.status()).isEqualTo(SliceStatus.FAILED);
    assertThat(failed.error()).contains("no such table: <events>");
    assertThat(failed.attempts()).singleElement().satisfies(a -> assertThat(a.logExcerpt()).contains("reading 2024-03-03"));
    assertThat(history().log(report.runId(), "2024-03-02").orElseThrow())
        .contains("--- attempt 1 (FAILED, worker worker-a) ---", "--- attempt 2 (SUCCEEDED, worker worker-a) ---");
    assertThat(history().runsOf("mart.daily")).extracting(RunSummary::runId).containsExactly(report.runId());
    assertThat(backfill.runs()).isEqualTo(history().runsOf("mart.daily"));
  }
}
