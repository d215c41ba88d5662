package dev.backfill;

import static dev.backfill.Fixtures.MARCH;
import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void etaPercentilesAndOutliersFollowTheVirtualClock() throws Exception {
    ManualTestClock clock = new ManualTestClock(Instant.parse("2024-06-01T00:00:00Z"));
    CountDownLatch sixthStarted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      switch (slice.key()) {
        case "2024-03-03" -> clock.advance(Duration.ofSeconds(60));
        case "2024-03-06" -> {
          clock.advance(Duration.ofSeconds(45));
          sixthStarted.countDown();
          release.await();
        }
        default -> clock.advance(Duration.ofSeconds(10));
      }
    }), new TestDestination()).clock(clock).build();

    BackfillRun run = backfill.execute(backfill.plan(MARCH));
    assertThat(sixthStarted.await(10, TimeUnit.SECONDS)).isTrue();
    Progress p = run.progress();

    assertThat(p.total()).isEqualTo(31);
    assertThat(p.succeeded()).isEqualTo(5);
    assertThat(p.running()).isEqualTo(1);
    assertThat(p.remaining()).isEqualTo(25);
    assertThat(p.rows()).isEqualTo(10);
    assertThat(p.elapsed()).isEqualTo(Duration.ofSeconds(145));
    assertThat(p.p50()).contains(Duration.ofSeconds(10));
    assertThat(p.p95()).contains(Duration.ofSeconds(60));
    // mean of finished slices is 20 s; 26 slices left at concurrency 1
    assertThat(p.eta()).contains(Duration.ofSeconds(520));
    assertThat(p.slicesPerSecond()).isEqualTo(5 / 145.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(p.outliers()).extracting(Progress.Outlier::sliceKey).containsExactly("2024-03-03", "2024-03-06");
    assertThat(p.outliers().get(0).timesMedian()).isEqualTo(6.0);
    assertThat(p.outliers().get(1).running()).isTrue();
    assertThat(p.describe()).contains("5/31 slices (16%)", "1 running", "ETA ~8m40s", "2024-03-03 (6.0× median)");

    release.countDown();
    run.await();
    Progress end = run.progress();
    assertThat(end.succeeded()).isEqualTo(31);
    assertThat(end.remaining()).isZero();
    assertThat(end.eta()).contains(Duration.ZERO);
    assertThat(end.fractionDone()).isEqualTo(1.0);
  }

  @Test
  void etaIsUnknownUntilASliceFinished() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      started.countDown();
      release.await();
    }), new TestDestination()).build();

    BackfillRun run = backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-02")));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Progress p = run.progress();
    release.countDown();
    run.await();

    assertThat(p.eta()).isEqualTo(Optional.empty());
    assertThat(p.p50()).isEmpty();
    assertThat(p.running()).isEqualTo(1);
  }
}
