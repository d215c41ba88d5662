package dev.backfill.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunDetails;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.SliceHistory;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SliceLogs;
import dev.backfill.testkit.InMemoryDestination;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Logback appender, configured in logback-test.xml as a user would, feeding a real run's history. */
class SliceLogbackAppenderTest {
  private static final Logger log = LoggerFactory.getLogger("com.example.Pipeline");

  @Test
  void eachAttemptKeepsItsOwnMaskedLinesAndOtherSlicesLinesStayOut() {
    AtomicInteger calls = new AtomicInteger();
    Backfill<Row> backfill = Backfill.builder("logged")
        .partitioning(Partitioning.daily(ZoneOffset.UTC))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          log.info("reading {} from jdbc:postgresql://etl:hunter2@db/prod password=hunter2", day);
          if (day.getDayOfMonth() == 2 && calls.incrementAndGet() == 1) {
            log.warn("connection reset while reading {}", day);
            throw new SQLTransientConnectionException("connection reset", "08006");
          }
          sink.accept(Row.of("day", day, "n", 1));
        })
        .destination(InMemoryDestination.create())
        .strategy(WriteStrategy.overwritePartition("day"))
        .build();
    log.info("a line outside any slice");

    RunReport report = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")),
        ExecutionOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMillis(1)).jitter(0)).build()).await();

    assertThat(SliceLogs.capturing()).isTrue();
    assertThat(report.succeeded()).isTrue();
    RunDetails run = RunHistory.of(backfill.stateStore()).run(report.runId());
    SliceHistory retried = run.slice("2024-03-02").orElseThrow();
    assertThat(retried.attempts()).extracting(SliceHistory.Attempt::status)
        .containsExactly(SliceStatus.FAILED, SliceStatus.SUCCEEDED);
    assertThat(retried.attempts().get(0).logExcerpt())
        .contains("reading 2024-03-02", "password=***", "etl:***@db", "connection reset while reading 2024-03-02")
        .doesNotContain("hunter2", "2024-03-01", "outside any slice");
    assertThat(retried.attempts().get(1).logExcerpt()).contains("reading 2024-03-02")
        .doesNotContain("connection reset while");
    assertThat(run.slice("2024-03-03").orElseThrow().logExcerpt()).contains("INFO", "Pipeline - reading 2024-03-03")
        .doesNotContain("2024-03-02");
  }
}
