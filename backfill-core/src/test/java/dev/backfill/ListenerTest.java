package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.backfill.event.BackfillEvent;
import dev.backfill.event.BackfillListener;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class ListenerTest {

  @Test
  void listenerSeesRunStartSlicesChecksAndRunEndInOrder() {
    BackfillListener listener = mock(BackfillListener.class);
    Backfill<Row> backfill = daily(source((s, c) -> { }), new TestDestination()).check(SliceCheck.minRows(1)).build();

    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-02")),
        ExecutionOptions.builder().listener(listener).build()).await();

    InOrder order = inOrder(listener);
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.RunStarted r && r.slices() == 2 && !r.resumed()));
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.SliceStarted s && s.sliceKey().equals("2024-03-01")));
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.CheckEvaluated c && c.result().passed()));
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.SliceSucceeded s && s.rows() == 2));
    order.verify(listener).onEvent(argThat(e -> e instanceof BackfillEvent.RunFinished f && f.report().succeeded()));
    verify(listener, times(2)).onEvent(any(BackfillEvent.SliceSucceeded.class));
    verify(listener, times(8)).onEvent(argThat(e -> !(e instanceof BackfillEvent.ProgressUpdated)));
  }

  @Test
  void progressEventsCountRetriesAndTheLastOneComesJustBeforeTheEndWithEverySliceDone() {
    java.util.List<BackfillEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    Backfill<Row> backfill = daily(source((s, c) -> {
      if (s.key().equals("2024-03-02") && calls.incrementAndGet() == 1) {
        throw new java.sql.SQLTransientConnectionException("connection reset", "08006");
      }
    }), new TestDestination()).build();

    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")), ExecutionOptions.builder()
        .retry(RetryPolicy.exponential(3, java.time.Duration.ofMillis(1)).jitter(0)).listener(events::add).build())
        .await();

    org.assertj.core.api.Assertions.assertThat(events.get(events.size() - 1)).isInstanceOf(BackfillEvent.RunFinished.class);
    BackfillEvent beforeEnd = events.get(events.size() - 2);
    org.assertj.core.api.Assertions.assertThat(beforeEnd).isInstanceOfSatisfying(BackfillEvent.ProgressUpdated.class, p -> {
      org.assertj.core.api.Assertions.assertThat(p.progress().done()).isEqualTo(3);
      org.assertj.core.api.Assertions.assertThat(p.progress().total()).isEqualTo(3);
      org.assertj.core.api.Assertions.assertThat(p.progress().retries()).isEqualTo(1);
    });
  }
}
