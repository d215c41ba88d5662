package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The estimate of a run of a plan with given execution options: history spread over the run's
 * concurrency, no shorter than its rate limits allow, and a lower bound where only a limit is known.
 * History: ten days 2024-01-01..10 of "events", each took 1 s under logic v1; the backfill is at v2.
 */
class PlanCostForRunTest {
  static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
  static final PartitionRange TEN_DAYS = PartitionRange.of("2024-01-01", "2024-01-10");
  static final PartitionRange THIRTY_DAYS = PartitionRange.of("2024-01-01", "2024-01-30");

  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  /** A source that estimates 1,000 rows for every partition. */
  static final class EstimatingSource implements SourceNode<Row> {
    @Override
    public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) {
      throw new AssertionError("planning must not read");
    }

    @Override
    public Optional<Estimate> estimate(Partition partition) {
      return Optional.of(Estimate.rows(1_000));
    }
  }

  Backfill<Row> events(InMemoryStateStore store, SourceNode<Row> source) {
    return Backfill.builder("events").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(source)
        .destination(new TestDestination()).stateStore(store).logicVersion("v2").clock(clock).build();
  }

  Backfill<Row> withHistory(SourceNode<Row> source) {
    InMemoryStateStore store = new InMemoryStateStore(clock);
    new StoreHistory(store, "events", Instant.parse("2024-02-01T00:00:00Z")).run("v1", SliceStatus.SUCCEEDED,
        Duration.ofSeconds(1), "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06",
        "2024-01-07", "2024-01-08", "2024-01-09", "2024-01-10");
    return events(store, source);
  }

  static ExecutionOptions concurrency(int n) {
    return ExecutionOptions.builder().maxConcurrency(n).build();
  }

  @Test
  void theRunsConcurrencyNotThePlansSpreadsTheHistory() {
    BackfillPlan plan = withHistory(new TestSource(1)).plan(TEN_DAYS, PlanOptions.defaults().concurrency(1));
    assertThat(plan.sliceCount()).isEqualTo(10);
    assertThat(plan.cost().duration()).contains(Duration.ofSeconds(10));

    CostEstimate five = plan.cost(concurrency(5));
    assertThat(five.duration()).contains(Duration.ofSeconds(2));
    assertThat(five.durationBasis()).isEqualTo("1000 ms per partition over 10 past partitions, concurrency 5");
    // More lanes than slices do not make it shorter than one slice's time.
    assertThat(plan.cost(concurrency(50)).duration()).contains(Duration.ofSeconds(1));
    assertThat(plan.cost().duration()).as("the plan's own estimate, which budgets weigh").contains(Duration.ofSeconds(10));
  }

  @Test
  void aSliceRateLimitMakesTheRunNoShorterThanSlicesOverTheRate() {
    BackfillPlan plan = withHistory(new TestSource(1)).plan(THIRTY_DAYS);
    assertThat(plan.sliceCount()).isEqualTo(30);

    CostEstimate limited = plan.cost(ExecutionOptions.builder().maxConcurrency(4).slicesPerSecond(0.5).build());
    assertThat(limited.duration()).contains(Duration.ofSeconds(60));
    assertThat(limited.durationBasis()).isEqualTo("set by the limit of 0.5 slices/s (30 slices); history alone gives"
        + " ~7s (1000 ms per partition over 10 past partitions, concurrency 4)");
    assertThat(limited.describe()).contains("duration ~1m (set by the limit of 0.5 slices/s");

    // A limit the history stays under leaves the history's figure.
    CostEstimate loose = plan.cost(ExecutionOptions.builder().maxConcurrency(1).slicesPerSecond(10).build());
    assertThat(loose.duration()).contains(Duration.ofSeconds(30));
    assertThat(loose.durationBasis()).isEqualTo("1000 ms per partition over 10 past partitions, concurrency 1");
  }

  @Test
  void aRowRateLimitCountsTheSourcesRowEstimates() {
    BackfillPlan plan = withHistory(new EstimatingSource()).plan(TEN_DAYS);
    assertThat(plan.cost().rows()).isEqualTo(OptionalLong.of(10_000));

    CostEstimate limited = plan.cost(ExecutionOptions.builder().maxConcurrency(2).rowsPerSecond(100).slicesPerSecond(1).build());
    assertThat(limited.duration()).as("10,000 rows at 100 rows/s, over 10 slices at 1 slice/s").contains(Duration.ofSeconds(100));
    assertThat(limited.durationBasis()).startsWith("set by the limit of 100 rows/s (~10,000 rows); history alone gives ~5s");

    // Rows unknown: the row limit cannot be counted, and the basis says so.
    BackfillPlan unknownRows = withHistory(new TestSource(1)).plan(TEN_DAYS);
    CostEstimate uncounted = unknownRows.cost(ExecutionOptions.builder().rowsPerSecond(100).build());
    assertThat(uncounted.duration()).contains(Duration.ofSeconds(10));
    assertThat(uncounted.durationBasis()).isEqualTo("1000 ms per partition over 10 past partitions, concurrency 1;"
        + " the limit of 100 rows/s is not counted: rows are unknown");
  }

  @Test
  void withoutHistoryARateLimitAloneGivesALowerBound() {
    BackfillPlan plan = events(new InMemoryStateStore(clock), new TestSource(1)).plan(THIRTY_DAYS);

    CostEstimate bound = plan.cost(ExecutionOptions.builder().maxConcurrency(4).slicesPerSecond(1).build());
    assertThat(bound.duration()).contains(Duration.ofSeconds(30));
    assertThat(bound.durationBasis()).isEqualTo("at least 30s at the limit of 1 slice/s (30 slices);"
        + " no run history for this target, so it may take longer");
    assertThat(plan.cost().duration()).as("the plan's own estimate stays unknown").isEmpty();
  }

  @Test
  void withoutHistoryOrLimitTheDurationIsUnknownAsBefore() {
    BackfillPlan plan = events(new InMemoryStateStore(clock), new TestSource(1)).plan(THIRTY_DAYS);

    CostEstimate unknown = plan.cost(ExecutionOptions.builder().maxConcurrency(8).requestsPerSecond(5).build());
    assertThat(unknown.duration()).isEmpty();
    assertThat(unknown.durationBasis()).isEqualTo("no run history for this target;"
        + " the limit of 5 requests/s is not counted: requests per slice are unknown before a run");
    assertThat(plan.cost(ExecutionOptions.defaults())).isEqualTo(plan.cost());
  }
}
