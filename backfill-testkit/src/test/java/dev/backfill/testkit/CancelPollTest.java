package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static dev.backfill.testkit.Fixtures.daily;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.CancelRequest;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers read the store's cancel request before their slices at most every 100 ms of the run's time
 * (issue 17: a read per slice was a round trip per slice), and a request made in the store is still
 * obeyed.
 */
class CancelPollTest {
  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemoryDestination mart = InMemoryDestination.create();
  private final AtomicInteger reads = new AtomicInteger();

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  private Backfill<Row> backfill(ForwardingStateStore store) {
    return daily(driver.backfill("mart.orders").stateStore(store), Fixtures.march(1), mart,
        WriteStrategy.overwritePartition("day"));
  }

  @Test
  void sixtySlicesInOneInstantReadTheCancelRequestOnceNotSixtyTimes() {
    ForwardingStateStore counting = new ForwardingStateStore(driver.stateStore()) {
      @Override
      public Optional<CancelRequest> cancelRequest(String runId) {
        reads.incrementAndGet();
        return super.cancelRequest(runId);
      }
    };
    Backfill<Row> backfill = backfill(counting);

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-01-01", "2024-02-29")),
        ExecutionOptions.builder().maxConcurrency(4).build());

    assertThatRun(report).succeeded().hasSlices(60);
    assertThat(reads.get()).as("reads of the cancel request while virtual time stood still").isBetween(1, 5);
  }

  @Test
  void aCancelRequestInTheStoreStillStopsTheRun() {
    ForwardingStateStore cancelling = new ForwardingStateStore(driver.stateStore()) {
      @Override
      public Optional<CancelRequest> cancelRequest(String runId) {
        // another process asks to cancel before the first slice asks
        if (reads.incrementAndGet() == 1) {
          requestCancel(runId, CancelMode.GRACEFUL, "operator");
        }
        return super.cancelRequest(runId);
      }
    };
    Backfill<Row> backfill = backfill(cancelling);

    RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-01-01", "2024-02-29")),
        ExecutionOptions.builder().maxConcurrency(2).build());

    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(mart.rows()).as("no slice started after the request was read").isEmpty();
  }
}
