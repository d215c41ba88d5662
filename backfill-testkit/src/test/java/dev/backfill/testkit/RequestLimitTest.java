package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.RetryAfter;
import dev.backfill.spi.SourceNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A per-request rate limit for sources that call quota'd services, and the Retry-After hint of their
 * failures (issue 13, "Also"), in virtual time: the limiter a slice's context hands the source is
 * shared by all slices of the run, stored with the run so a resume keeps it, and a failure carrying a
 * {@link RetryAfter} is retried no sooner than it asks.
 */
class RequestLimitTest {
  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemoryDestination mart = InMemoryDestination.create();
  /** When each request was sent (virtual time). */
  private final List<Instant> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    driver.close();
  }

  /** Four requests per day, each after the run's request limiter lets it go. */
  private final SourceNode<Row> api = (slice, ctx, sink) -> {
    LocalDate day = (LocalDate) slice.tokens().get("start_date");
    for (int page = 0; page < 4; page++) {
      ctx.requests().acquire();
      requests.add(ctx.clock().instant());
      sink.accept(Row.of("day", day, "page", page));
    }
  };

  private Backfill<Row> backfill(SourceNode<Row> source) {
    return driver.backfill("mart.pages").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(source)
        .destination(mart).strategy(WriteStrategy.overwritePartition("day")).build();
  }

  @Test
  void theRequestLimitIsSharedByAllSlicesOfTheRun() {
    Backfill<Row> backfill = backfill(api);
    Instant start = driver.clock().instant();

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-06")),
        ExecutionOptions.builder().maxConcurrency(3).requestsPerSecond(2).build());

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(requests).hasSize(24);
    assertThat(Duration.between(start, last()))
        .as("24 requests at 2/s over three workers: the last one's slot is 23 × 0.5 s after the first")
        .isGreaterThanOrEqualTo(Duration.ofMillis(11_500));
    assertThat(mart.size()).isEqualTo(24);
  }

  @Test
  void withoutALimitRequestsDoNotWait() {
    Backfill<Row> backfill = backfill(api);
    Instant start = driver.clock().instant();

    driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-06")),
        ExecutionOptions.builder().maxConcurrency(3).build());

    assertThat(requests).hasSize(24);
    assertThat(Duration.between(start, last())).isZero();
  }

  @Test
  void aResumeKeepsTheRequestLimitTheRunWasStartedWith() {
    Backfill<Row> backfill = backfill(api);
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-06")),
        ExecutionOptions.builder().requestsPerSecond(0.5).build());
    RunReport cancelled = driver.cancelAt(new CancelPoint(1, CancelMode.GRACEFUL));
    requests.clear();
    Instant resumedAt = driver.clock().instant();

    RunReport resumed = driver.runResume(backfill, cancelled.runId(), ExecutionOptions.defaults());

    assertThat(resumed.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(requests).hasSize(20);
    assertThat(Duration.between(resumedAt, last())).as("20 requests at 0.5/s").isGreaterThanOrEqualTo(Duration.ofSeconds(38));
  }

  /** An HTTP 429 as a client library would throw it. */
  static final class TooManyRequests extends IOException implements RetryAfter {
    private final Duration wait;

    TooManyRequests(Duration wait) {
      super("HTTP 429 Too Many Requests (test)");
      this.wait = wait;
    }

    @Override
    public Duration retryAfter() {
      return wait;
    }
  }

  @Test
  void aRetryWaitsAtLeastAsLongAsTheFailuresRetryAfterAsks() {
    AtomicInteger calls = new AtomicInteger();
    Backfill<Row> backfill = backfill((slice, ctx, sink) -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("page 1 failed", new TooManyRequests(Duration.ofSeconds(30)));
      }
      sink.accept(Row.of("day", slice.tokens().get("start_date"), "page", 0));
    });

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-01")),
        ExecutionOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofSeconds(1)).jitter(0)).build());

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(report.slice("2024-03-01").orElseThrow().attempts()).isEqualTo(2);
    assertThat(driver.events(BackfillEvent.SliceRetrying.class)).extracting(BackfillEvent.SliceRetrying::backoff)
        .as("the hint's 30 s, not the policy's 1 s").containsExactly(Duration.ofSeconds(30));
    assertThat(driver.sleeper().sleeps()).contains(Duration.ofSeconds(30));
  }

  @Test
  void aShorterRetryAfterLeavesThePolicysLongerBackoffAndTheAttemptsStillBoundTheRetries() {
    Backfill<Row> backfill = backfill((slice, ctx, sink) -> {
      throw new TooManyRequests(Duration.ofSeconds(2));
    });

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-01")),
        ExecutionOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofSeconds(5)).jitter(0)).build());

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    assertThat(report.slice("2024-03-01").orElseThrow().status()).isEqualTo(SliceStatus.FAILED);
    assertThat(driver.events(BackfillEvent.SliceRetrying.class)).extracting(BackfillEvent.SliceRetrying::backoff)
        .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void anInvalidRequestRateIsRefusedNamingTheValue() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ExecutionOptions.builder().requestsPerSecond(-1).build())
        .hasMessageContaining("requestsPerSecond -1.0 is not allowed; expected 0 (no limit) or a positive rate");
  }

  @Test
  void theEtaOfARequestLimitedRunCountsTheRequestsLeftAtTheLimit() {
    Backfill<Row> backfill = backfill(api);
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10")),
        ExecutionOptions.builder().maxConcurrency(2).requestsPerSecond(1).build());
    driver.step();

    // the first slice's 4 requests took 3 s; 9 slices of 4 requests are left at 1 request/s, shared by both
    // workers: 36 s, not 9 × 3 s / 2 workers
    assertThat(driver.progress().eta()).contains(Duration.ofSeconds(36));
    Instant at = driver.clock().instant();
    driver.runToEnd();
    assertThat(Duration.between(at, last())).as("what the rest really took").isGreaterThanOrEqualTo(Duration.ofSeconds(35));
  }

  private Instant last() {
    return requests.stream().max(Instant::compareTo).orElseThrow();
  }
}
