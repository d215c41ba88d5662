package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static dev.backfill.testkit.Fixtures.daily;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every timer of a run fires in virtual time under the driver: per-slice timeouts, lease heartbeats,
 * lease expiry and the rate limiter's waits. None of these tests sleeps for real.
 */
class VirtualTimeTest {
  private static final Duration LEASE = Duration.ofMinutes(1);

  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemoryDestination mart = InMemoryDestination.create();

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void aRateLimitOfOneSlicePerSecondSpacesSixtySlicesOneVirtualSecondApart() {
    Backfill<Row> backfill = daily(driver.backfill("mart.orders"), Fixtures.march(1), mart,
        WriteStrategy.overwritePartition("day"));
    BackfillPlan plan = backfill.plan(PartitionRange.of("2024-01-01", "2024-02-29"));
    Instant start = driver.clock().instant();
    long wallStart = System.nanoTime();

    RunReport report = driver.run(backfill, plan, ExecutionOptions.builder().slicesPerSecond(1).build());

    long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
    assertThatRun(report).succeeded().hasSlices(60);
    List<Instant> starts = driver.events(BackfillEvent.SliceStarted.class).stream()
        .map(BackfillEvent.SliceStarted::at).sorted().toList();
    assertThat(starts).hasSize(60);
    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.between(starts.get(i - 1), starts.get(i))).as("gap before start #%d", i)
          .isEqualTo(Duration.ofSeconds(1));
    }
    assertThat(Duration.between(start, starts.get(59))).isEqualTo(Duration.ofSeconds(59));
    System.out.printf("VIRTUAL 60 slices at 1 slice/s: %s of virtual time in %d ms of wall time%n",
        Duration.between(start, starts.get(59)), wallMillis);
  }

  @Test
  void aRateLimitHoldsAcrossConcurrentWorkersInVirtualTime() {
    Backfill<Row> backfill = daily(driver.backfill("mart.orders"), Fixtures.march(1), mart,
        WriteStrategy.overwritePartition("day"));
    Instant start = driver.clock().instant();

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-01-01", "2024-02-29")),
        ExecutionOptions.builder().slicesPerSecond(1).maxConcurrency(4).build());

    // four workers share one limiter: the 60th start cannot come before its slot at 59 s
    assertThatRun(report).succeeded().hasSlices(60);
    Instant last = driver.events(BackfillEvent.SliceStarted.class).stream().map(BackfillEvent.SliceStarted::at)
        .max(Instant::compareTo).orElseThrow();
    assertThat(Duration.between(start, last)).isGreaterThanOrEqualTo(Duration.ofSeconds(59));
  }

  @Test
  void aPerSliceTimeoutFiresWhenTheVirtualClockPassesTheDeadline() {
    Hold stuck = new Hold();
    Backfill<Row> backfill = daily(driver.backfill("mart.orders"),
        Faults.source(Fixtures.march(2)).hold("2024-03-02", stuck), mart, WriteStrategy.overwritePartition("day"));
    driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")), ExecutionOptions.builder()
        .sliceTimeout(Duration.ofMinutes(5)).retry(RetryPolicy.exponential(3, Duration.ofSeconds(10)).jitter(0)).build());
    driver.step();
    assertThat(driver.startSlice()).isEqualTo("2024-03-02");
    stuck.awaitReached();

    driver.clock().advance(Duration.ofMinutes(4));
    assertThat(driver.events(BackfillEvent.SliceRetrying.class)).isEmpty();
    driver.clock().advance(Duration.ofMinutes(1));          // the deadline: the held read is interrupted
    awaitEvent(BackfillEvent.SliceRetrying.class);
    stuck.release();                                         // the retry, 10 virtual seconds later, passes
    RunReport report = driver.runToEnd();

    assertThatRun(report).succeeded().hasAttempts("2024-03-02", 2);
    BackfillEvent.SliceRetrying retry = driver.events(BackfillEvent.SliceRetrying.class).get(0);
    assertThat(retry.error()).contains("exceeded its timeout of PT5M");
    assertThat(retry.backoff()).isEqualTo(Duration.ofSeconds(10));
    assertThat(mart.countBy("day")).containsEntry("2024-03-02", 2L);
  }

  @Test
  void heartbeatsRenewTheLeaseThroughALongVirtualSlice() {
    List<Instant> renewedUntil = new CopyOnWriteArrayList<>();
    StateStore watched = new ForwardingStateStore(driver.stateStore()) {
      @Override
      public Optional<SliceLease> renew(SliceLease lease, Duration leaseTime) {
        Optional<SliceLease> renewed = super.renew(lease, leaseTime);
        renewed.ifPresent(l -> renewedUntil.add(l.leaseUntil()));
        return renewed;
      }
    };
    Backfill<Row> backfill = daily(driver.backfill("mart.orders").stateStore(driver.gate(watched)),
        Faults.source(Fixtures.march(2)).latency(Duration.ofMinutes(10), driver.sleeper()), mart,
        WriteStrategy.overwritePartition("day"));
    Instant start = driver.clock().instant();

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.single("2024-03-01")),
        ExecutionOptions.builder().leaseTime(LEASE).build());

    // a heartbeat every 20 virtual seconds kept the one-minute lease alive for the ten-minute read
    assertThatRun(report).succeeded().hasAttempts("2024-03-01", 1);
    assertThat(renewedUntil).hasSizeGreaterThanOrEqualTo(29);
    assertThat(renewedUntil.get(renewedUntil.size() - 1)).isAfterOrEqualTo(start.plus(Duration.ofMinutes(10)));
  }

  @Test
  void aStalledWorkersExpiredLeaseIsTakenOverWhenTheVirtualClockPassesIt() {
    Hold stalled = new Hold();
    // the stalled process: its heartbeats do not get through, its read hangs
    FaultyStateStore noHeartbeats = Faults.stateStore(driver.stateStore())
        .failPartition(FaultyStateStore.Op.RENEW, "2024-03-01", Integer.MAX_VALUE,
            () -> new IllegalStateException("heartbeat lost (injected)"));
    Backfill<Row> first = daily(Backfill.builder("mart.orders").timeSource(driver.sleeper()).stateStore(noHeartbeats),
        Faults.source(Fixtures.march(2)).hold("2024-03-01", stalled), mart, WriteStrategy.append());
    Backfill<Row> second = daily(Backfill.builder("mart.orders").timeSource(driver.sleeper())
        .stateStore(driver.stateStore()), Fixtures.march(2), mart, WriteStrategy.append());
    ExecutionOptions options = ExecutionOptions.builder().leaseTime(LEASE).build();

    BackfillRun stalledRun = first.execute(first.plan(PartitionRange.single("2024-03-01")),
        options.toBuilder().workerId("stalled").build());
    stalled.awaitReached();
    BackfillRun takeover = second.worker(stalledRun.runId(), options.toBuilder().workerId("takeover").build());
    driver.clock().advance(LEASE.plusSeconds(1));            // the lease expires; the waiting worker claims it
    RunReport taken = takeover.await();
    stalled.release();                                        // the stalled worker wakes up and must not commit
    RunReport late = stalledRun.await();

    assertThatRun(taken).succeeded();
    assertThat(late.status()).isEqualTo(taken.status());
    assertThat(mart.countBy("day")).containsExactly(java.util.Map.entry("2024-03-01", 2L));
    List<SliceAttempt> attempts = driver.stateStore().attempts(stalledRun.runId());
    assertThat(attempts).extracting(SliceAttempt::worker, SliceAttempt::attempt, SliceAttempt::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("takeover", 2, SliceStatus.SUCCEEDED));
  }

  private <E extends BackfillEvent> void awaitEvent(Class<E> type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (driver.events(type).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + type.getSimpleName() + " event within 30s; events: " + driver.events());
      }
      Thread.onSpinWait();
    }
  }
}
