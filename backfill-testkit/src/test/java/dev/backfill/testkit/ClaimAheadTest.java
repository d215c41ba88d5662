package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static dev.backfill.testkit.Fixtures.daily;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.StateStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Short slices are claimed a round ahead (issue 17: a claim per slice was a round trip per slice, and
 * under the process's claim lock the claims queued): once slices are seen to take under 200 ms, each
 * claim asks for one more slice per thread. Long slices claim only what idle workers need, so no
 * process holds slices another could be working on.
 */
class ClaimAheadTest {
  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemoryDestination mart = InMemoryDestination.create();
  private final AtomicInteger claims = new AtomicInteger();
  /** How many claims asked for how many slices. */
  private final Map<Integer, Integer> asked = new ConcurrentHashMap<>();

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private ForwardingStateStore counting() {
    return new ForwardingStateStore(driver.stateStore()) {
      @Override
      public List<SliceLease> claim(String runId, String workerId, Duration leaseTime, int max) {
        claims.incrementAndGet();
        asked.merge(max, 1, Integer::sum);
        return super.claim(runId, workerId, leaseTime, max);
      }
    };
  }

  @Test
  void sixtyShortSlicesOnOneThreadTakeAboutHalfAsManyClaims() {
    Backfill<Row> backfill = daily(driver.backfill("mart.orders").stateStore(counting()), Fixtures.march(1), mart,
        WriteStrategy.overwritePartition("day"));

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-01-01", "2024-02-29")),
        ExecutionOptions.builder().maxConcurrency(1).build());

    assertThatRun(report).succeeded().hasSlices(60);
    assertThat(asked).as("the first claim asks for one slice, every later one for one ahead too")
        .containsEntry(1, 1).containsOnlyKeys(1, 2);
    assertThat(claims.get()).as("claims for 60 slices on one thread").isLessThanOrEqualTo(32);
  }

  @Test
  void slicesThatTakeASecondAreClaimedOneAtATime() {
    InMemorySource<Row> slow = InMemorySource.generated(p -> {
      driver.clock().advance(Duration.ofSeconds(1)); // each slice takes a second of the run's time
      return List.of();
    });
    Backfill<Row> backfill = daily(driver.backfill("mart.orders").stateStore(counting()), slow, mart,
        WriteStrategy.overwritePartition("day"));

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-01-01", "2024-01-10")),
        ExecutionOptions.builder().maxConcurrency(1).build());

    assertThatRun(report).succeeded().hasSlices(10);
    assertThat(asked).as("claims by number of slices asked for").containsOnlyKeys(1);
    assertThat(claims.get()).as("one claim per slice, and the last one finds nothing").isEqualTo(11);
  }

  /**
   * The store's own batch claim (the SPI default, one claim at a time) whose n-th single claim fails:
   * a proxy, because a wrapper class would forward the batch claim past the failing single one.
   */
  private StateStore failingSingleClaim(int n) {
    StateStore base = driver.stateStore();
    AtomicInteger singles = new AtomicInteger();
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (method.getName().equals("claim") && args.length == 3 && singles.incrementAndGet() == n) {
        throw new IllegalStateException("store down at claim " + n);
      }
      try {
        return method.invoke(base, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (StateStore) Proxy.newProxyInstance(StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class},
        handler);
  }

  /** Runs 2024-03-01 to 03-10 on one thread through a store whose n-th single claim fails. */
  private RunReport tenDaysOnOneThreadFailingClaim(int n) {
    Backfill<Row> backfill = daily(driver.backfill("mart.orders").stateStore(failingSingleClaim(n)), Fixtures.march(1),
        mart, WriteStrategy.overwritePartition("day"));
    return driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-10")),
        ExecutionOptions.builder().maxConcurrency(1).build());
  }

  /**
   * One thread claims 1, then 2 at a time: claim 3 is the second of a batch. The slice of claim 2 is
   * RUNNING under this process's lease; losing it with the failure left the run RUNNING for good (the
   * worker stopped, and counted the slice as another worker's).
   */
  @Test
  void aClaimFailingAfterAnotherOfItsBatchKeepsTheClaimedSliceAndTheRunSucceeds() {
    RunReport report = tenDaysOnOneThreadFailingClaim(3);

    assertThatRun(report).succeeded().hasSlices(10).hasCount(SliceStatus.SUCCEEDED, 10);
    assertThat(mart.rows()).hasSize(10);
  }

  /** Claim 4 is the first of a batch: the failure stops the run, which ends FAILED and says why. */
  @Test
  void aBatchWhoseFirstClaimFailsStopsTheRunWhichEndsFailedNotRunning() {
    RunReport report = tenDaysOnOneThreadFailingClaim(4);

    assertThatRun(report).failed().hasMessageContaining("store down at claim 4").hasCount(SliceStatus.RUNNING, 0)
        .hasCount(SliceStatus.SUCCEEDED, 3);
  }
}
