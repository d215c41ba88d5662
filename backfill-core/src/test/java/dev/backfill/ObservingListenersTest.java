package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.event.BackfillMetrics;
import dev.backfill.event.ConsoleProgress;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The listeners that watch a run from outside: the console progress bar and the Micrometer binder. */
class ObservingListenersTest {
  private final AtomicInteger calls = new AtomicInteger();

  /** Three days; 2024-03-02 fails once transiently and 2024-03-03 fails for good. */
  private Backfill<Row> flaky() {
    return daily(source((s, c) -> {
      if (s.key().equals("2024-03-02") && calls.incrementAndGet() == 1) {
        throw new SQLTransientConnectionException("connection reset", "08006");
      }
      if (s.key().equals("2024-03-03")) {
        throw new IllegalStateException("no data");
      }
    }), new TestDestination()).build();
  }

  private static ExecutionOptions options(dev.backfill.event.BackfillListener listener) {
    return ExecutionOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMillis(1)).jitter(0))
        .listener(listener).build();
  }

  @Test
  void theProgressBarDrawsDoneOfTotalWithFailuresAndRetriesAndIsOffWithoutATerminal() {
    ByteArrayOutputStream drawn = new ByteArrayOutputStream();
    Backfill<Row> backfill = flaky();

    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")),
        options(ConsoleProgress.to(new PrintStream(drawn, true, StandardCharsets.UTF_8)))).await();

    assertThat(drawn.toString(StandardCharsets.UTF_8)).contains("orders", "100%", "3/3", "1 failed", "1 retried");
    assertThat(new ConsoleProgress().enabled()).as("surefire's JVM has no terminal").isFalse();
  }

  @Test
  void theBinderCountsSlicesByStatusRetriesAndDurationsTaggedByTarget() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BackfillMetrics metrics = new BackfillMetrics();
    metrics.bindTo(registry);
    Backfill<Row> backfill = flaky();

    backfill.execute(backfill.plan(PartitionRange.of("2024-03-01", "2024-03-03")), options(metrics)).await();

    assertThat(registry.get("backfill.slices").tags("target", "orders", "status", "SUCCEEDED").counter().count())
        .isEqualTo(2.0);
    assertThat(registry.get("backfill.slices").tags("target", "orders", "status", "FAILED").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("backfill.slice.retries").tag("target", "orders").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("backfill.slice.duration").tags("target", "orders", "status", "SUCCEEDED").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("backfill.slices.running").tag("target", "orders").gauge().value()).isZero();
    assertThat(registry.get("backfill.slices.remaining").tag("target", "orders").gauge().value()).isZero();
  }
}
