package dev.backfill.testkit;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.SliceCheck;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.event.BackfillEvent;
import dev.backfill.event.BackfillListener;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

/** A user's listener, mocked, receives what the driven run did: Mockito for a collaborator, never for data. */
class ListenerCallsTest {
  @Test
  void listenerSeesStartsRetriesFailuresAndTheEndInOrder() {
    BackfillListener listener = mock(BackfillListener.class);
    InMemorySource<Row> source = Fixtures.march(2).replace("2024-03-03", java.util.List.of());
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> backfill = driver.backfill("orders").partitioning(dev.backfill.Partitioning.daily(java.time.ZoneOffset.UTC))
          .source(Faults.source(source).failPartition("2024-03-02", 1, Failures::deadlock))
          .destination(InMemoryDestination.create()).strategy(WriteStrategy.overwritePartition("day"))
          .check(SliceCheck.minRows(1)).build();

      driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")), ExecutionOptions.builder()
          .retry(RetryPolicy.exponential(2, Duration.ofSeconds(1))).listener(listener).build());
    }

    InOrder order = inOrder(listener);
    order.verify(listener).onEvent(any(BackfillEvent.RunStarted.class));
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.SliceRetrying r && r.sliceKey().equals("2024-03-02")));
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.SliceFailed f
        && f.sliceKey().equals("2024-03-03") && f.status() == SliceStatus.FAILED_CHECK));
    order.verify(listener).onEvent(any(BackfillEvent.RunFinished.class));
    verify(listener, times(4)).onEvent(any(BackfillEvent.SliceStarted.class));
    verify(listener, times(2)).onEvent(any(BackfillEvent.SliceSucceeded.class));
    verify(listener, times(3)).onEvent(any(BackfillEvent.CheckEvaluated.class));
    verify(listener, never()).onEvent(argThat(e -> e instanceof BackfillEvent.SliceFailed f && f.status() == SliceStatus.FAILED));
  }
}
