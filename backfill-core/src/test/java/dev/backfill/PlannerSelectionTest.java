package dev.backfill;

import static dev.backfill.Selection.FAILED;
import static dev.backfill.Selection.INVALIDATED;
import static dev.backfill.Selection.LOGIC_CHANGED;
import static dev.backfill.Selection.MISSING;
import static dev.backfill.Selection.RESTATE;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.StoreHistory.Seed;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Selection, order, batching, availability, cost and budget of plans over a history written through
 * the state-store SPI. The history of "orders", range 2024-01-01..2024-01-10, current logic v2:
 *
 * <pre>
 * 01-01  succeeded v2 (60 s)
 * 01-02  succeeded v2 (120 s)
 * 01-03  succeeded v2 (90 s), then invalidated
 * 01-04  failed, never succeeded
 * 01-05  succeeded v1 (30 s)
 * 01-06  succeeded v1 (300 s), then failed under v2
 * 01-07  failed its checks, never succeeded
 * 01-08  succeeded v2 (100 s), then failed
 * 01-09  nothing (another target succeeded there)
 * 01-10  invalidated, never ran
 * 2023-12-31 succeeded v1 (70 s), outside the range
 * </pre>
 */
class PlannerSelectionTest {
  static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");
  static final PartitionRange JANUARY_1_TO_10 = PartitionRange.of("2024-01-01", "2024-01-10");
  static final SliceStatus OK = SliceStatus.SUCCEEDED;

  final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  final InMemoryStateStore store = new InMemoryStateStore(clock);
  Backfill<Row> backfill;

  /** A source that reports retention and row estimates and remembers what it was asked about. */
  static final class ProbedSource implements SourceNode<Row> {
    final LocalDate retainedFrom;
    final Predicate<LocalDate> estimates;
    final List<String> probed = Collections.synchronizedList(new ArrayList<>());
    final List<String> estimated = Collections.synchronizedList(new ArrayList<>());

    ProbedSource(LocalDate retainedFrom, Predicate<LocalDate> estimates) {
      this.retainedFrom = retainedFrom;
      this.estimates = estimates;
    }

    @Override
    public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) {
      throw new AssertionError("planning must not read");
    }

    @Override
    public Availability availability(Partition partition) {
      probed.add(partition.key().value());
      LocalDate day = (LocalDate) partition.dimensions().get("day");
      return day.isBefore(retainedFrom) ? Availability.missing("events before " + retainedFrom + " were purged") : Availability.AVAILABLE;
    }

    @Override
    public Optional<Estimate> estimate(Partition partition) {
      estimated.add(partition.key().value());
      LocalDate day = (LocalDate) partition.dimensions().get("day");
      return estimates.test(day) ? Optional.of(Estimate.rows(100 + day.getDayOfMonth())) : Optional.empty();
    }
  }

  Backfill<Row> backfillWith(SourceNode<Row> source) {
    return Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(source)
        .destination(new TestDestination()).stateStore(store).logicVersion("v2").clock(clock).build();
  }

  @BeforeEach
  void seedHistory() {
    StoreHistory orders = new StoreHistory(store, "orders", Instant.parse("2024-02-01T00:00:00Z"));
    orders.run("v2", List.of(Seed.of("2024-01-01", OK, Duration.ofSeconds(60)), Seed.of("2024-01-02", OK, Duration.ofSeconds(120)),
        Seed.of("2024-01-03", OK, Duration.ofSeconds(90)), Seed.of("2024-01-08", OK, Duration.ofSeconds(100))));
    orders.run("v1", List.of(Seed.of("2024-01-05", OK, Duration.ofSeconds(30)), Seed.of("2024-01-06", OK, Duration.ofSeconds(300)),
        Seed.of("2023-12-31", OK, Duration.ofSeconds(70))));
    orders.run("v2", List.of(Seed.of("2024-01-04", SliceStatus.FAILED, Duration.ofSeconds(5)),
        Seed.of("2024-01-06", SliceStatus.FAILED, Duration.ofSeconds(5)),
        Seed.of("2024-01-07", SliceStatus.FAILED_CHECK, Duration.ofSeconds(5)),
        Seed.of("2024-01-08", SliceStatus.FAILED, Duration.ofSeconds(5))));
    // Another target's success must not count for orders, nor its duration for the estimate.
    new StoreHistory(store, "refunds", Instant.parse("2024-02-01T00:00:00Z")).run("v2", OK, Duration.ofHours(10), "2024-01-09");

    backfill = backfillWith(new TestSource(1));
    assertThat(backfill.invalidate(PartitionRange.single("2024-01-03"))).isEqualTo(1);
    assertThat(backfill.invalidate(PartitionRange.single("2024-01-10"))).isEqualTo(1);
  }

  /** Planned partitions in execution order with their reasons. */
  static Map<String, Selection> planned(BackfillPlan plan) {
    Map<String, Selection> result = new LinkedHashMap<>();
    for (PlannedSlice s : plan.slices()) {
      for (Partition p : plan.partitions(s.index())) {
        assertThat(result.put(p.key().value(), s.reason())).as("planned twice: %s", p.key()).isNull();
      }
    }
    return result;
  }

  Map<String, Selection> select(Selection... modes) {
    return planned(backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().select(modes)));
  }

  @Test
  void missingSelectsPartitionsThatNeverSucceeded() {
    assertThat(select(MISSING)).containsExactly(entry("2024-01-04", MISSING), entry("2024-01-07", MISSING),
        entry("2024-01-09", MISSING), entry("2024-01-10", MISSING));
  }

  @Test
  void failedSelectsPartitionsWhoseLastAttemptFailed() {
    assertThat(select(FAILED)).containsExactly(entry("2024-01-04", FAILED), entry("2024-01-06", FAILED),
        entry("2024-01-07", FAILED), entry("2024-01-08", FAILED));
  }

  @Test
  void invalidatedSelectsMarkedPartitionsUntilTheirNextSuccess() {
    assertThat(select(INVALIDATED)).containsExactly(entry("2024-01-03", INVALIDATED), entry("2024-01-10", INVALIDATED));

    new StoreHistory(store, "orders", Instant.parse("2024-03-01T00:00:00Z")).run("v2", OK, Duration.ofSeconds(1), "2024-01-03");
    assertThat(select(INVALIDATED)).containsExactly(entry("2024-01-10", INVALIDATED));
    // A failure does not clear the mark.
    new StoreHistory(store, "orders", Instant.parse("2024-03-02T00:00:00Z")).run("v2", SliceStatus.FAILED, Duration.ofSeconds(1), "2024-01-10");
    assertThat(select(INVALIDATED)).containsExactly(entry("2024-01-10", INVALIDATED));
  }

  @Test
  void logicChangedSelectsPartitionsLastBuiltByAnotherVersion() {
    assertThat(select(LOGIC_CHANGED)).containsExactly(entry("2024-01-05", LOGIC_CHANGED), entry("2024-01-06", LOGIC_CHANGED));
  }

  @Test
  void restateSelectsTheWholeRange() {
    Map<String, Selection> restate = select(RESTATE);
    assertThat(restate).hasSize(10).containsOnlyKeys(JANUARY_1_TO_10.start(), "2024-01-02", "2024-01-03", "2024-01-04",
        "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09", JANUARY_1_TO_10.end());
    assertThat(restate.values()).containsOnly(RESTATE);
  }

  @Test
  void combinedModesGiveEachPartitionItsFirstReason() {
    // The defaults: everything that needs doing.
    assertThat(planned(backfill.plan(JANUARY_1_TO_10))).containsExactly(
        entry("2024-01-03", INVALIDATED), entry("2024-01-04", FAILED), entry("2024-01-05", LOGIC_CHANGED),
        entry("2024-01-06", FAILED), entry("2024-01-07", FAILED), entry("2024-01-08", FAILED),
        entry("2024-01-09", MISSING), entry("2024-01-10", MISSING));
    assertThat(select(MISSING, LOGIC_CHANGED)).containsExactly(
        entry("2024-01-04", MISSING), entry("2024-01-05", LOGIC_CHANGED), entry("2024-01-06", LOGIC_CHANGED),
        entry("2024-01-07", MISSING), entry("2024-01-09", MISSING), entry("2024-01-10", MISSING));
    assertThat(select(RESTATE, FAILED)).containsExactly(
        entry("2024-01-01", RESTATE), entry("2024-01-02", RESTATE), entry("2024-01-03", RESTATE),
        entry("2024-01-04", FAILED), entry("2024-01-05", RESTATE), entry("2024-01-06", FAILED),
        entry("2024-01-07", FAILED), entry("2024-01-08", FAILED), entry("2024-01-09", RESTATE),
        entry("2024-01-10", RESTATE));
    assertThat(select(INVALIDATED, LOGIC_CHANGED)).containsExactly(
        entry("2024-01-03", INVALIDATED), entry("2024-01-05", LOGIC_CHANGED), entry("2024-01-06", LOGIC_CHANGED),
        entry("2024-01-10", INVALIDATED));
    assertThat(backfill.plan(JANUARY_1_TO_10).counts()).containsExactly(
        entry(MISSING, 2L), entry(FAILED, 4L), entry(INVALIDATED, 1L), entry(LOGIC_CHANGED, 1L));
  }

  @Test
  void aNewLogicVersionSelectsEverySuccess() {
    Backfill<Row> v3 = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(new TestSource(1))
        .destination(new TestDestination()).stateStore(store).logicVersion("v3").clock(clock).build();
    assertThat(planned(v3.plan(JANUARY_1_TO_10, PlanOptions.defaults().select(LOGIC_CHANGED))).keySet())
        .containsExactly("2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05", "2024-01-06", "2024-01-08");
  }

  @Test
  void newestFirstRunsTheSameSlicesInReverse() {
    BackfillPlan oldest = backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().batchSize(2));
    BackfillPlan newest = backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().batchSize(2).order(PlanOptions.Order.NEWEST_FIRST));
    assertThat(planned(backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().order(PlanOptions.Order.NEWEST_FIRST))).keySet())
        .containsExactly("2024-01-10", "2024-01-09", "2024-01-08", "2024-01-07", "2024-01-06", "2024-01-05",
            "2024-01-04", "2024-01-03");
    List<String> forward = oldest.slices().stream().map(PlannedSlice::key).toList();
    List<String> backward = new ArrayList<>(newest.slices().stream().map(PlannedSlice::key).toList());
    Collections.reverse(backward);
    assertThat(backward).isEqualTo(forward);
    assertThat(newest.slice(0).index()).isZero();
    assertThat(newest.slice(0).key()).isEqualTo("2024-01-09..2024-01-10");
  }

  @Test
  void batchesGroupConsecutivePartitionsAndNeverSpanAGap() {
    BackfillPlan missing = backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().select(MISSING).batchSize(3));
    assertThat(missing.slices()).extracting(PlannedSlice::key, PlannedSlice::partitions, PlannedSlice::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2024-01-04", 1, MISSING),
        org.assertj.core.groups.Tuple.tuple("2024-01-07", 1, MISSING),
        org.assertj.core.groups.Tuple.tuple("2024-01-09..2024-01-10", 2, MISSING));
    assertThat(missing.partitions(2)).extracting(p -> p.key().value()).containsExactly("2024-01-09", "2024-01-10");
    assertThat(missing.slice(2).first().value()).isEqualTo("2024-01-09");
    assertThat(missing.slice(2).last().value()).isEqualTo("2024-01-10");

    BackfillPlan restate = backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().select(RESTATE).batchSize(4));
    assertThat(restate.slices()).extracting(PlannedSlice::key)
        .containsExactly("2024-01-01..2024-01-04", "2024-01-05..2024-01-08", "2024-01-09..2024-01-10");
    assertThat(restate.partitionCount()).isEqualTo(10);
    assertThat(restate.sliceCount()).isEqualTo(3);

    // A batch holds one reason: the defaults split at each change of reason.
    BackfillPlan defaults = backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().batchSize(5));
    assertThat(defaults.slices()).extracting(PlannedSlice::key, PlannedSlice::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2024-01-03", INVALIDATED),
        org.assertj.core.groups.Tuple.tuple("2024-01-04", FAILED),
        org.assertj.core.groups.Tuple.tuple("2024-01-05", LOGIC_CHANGED),
        org.assertj.core.groups.Tuple.tuple("2024-01-06..2024-01-08", FAILED),
        org.assertj.core.groups.Tuple.tuple("2024-01-09..2024-01-10", MISSING));
  }

  @Test
  void goneUpstreamDataFailsThePlanNamingFirstAndLastMissingPartition() {
    ProbedSource source = new ProbedSource(LocalDate.of(2024, 1, 5), day -> true);
    Backfill<Row> probed = backfillWith(source);
    assertThatThrownBy(() -> probed.plan(JANUARY_1_TO_10))
        .isInstanceOf(DataUnavailableException.class)
        .hasMessageContainingAll("upstream data is gone for 2 planned partition(s) of orders", "first 2024-01-03",
            "last 2024-01-04", "events before 2024-01-05 were purged", "onUnavailable(SKIP)");
    // Only planned partitions are probed: 01-01 and 01-02 succeeded and are not asked about.
    assertThat(source.probed).containsExactly("2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07",
        "2024-01-08", "2024-01-09", "2024-01-10");
    assertThat(store.runs("orders")).hasSize(3);
  }

  @Test
  void goneUpstreamDataIsSkippedAndReportedWhenAsked() {
    Backfill<Row> probed = backfillWith(new ProbedSource(LocalDate.of(2024, 1, 5), day -> true));
    BackfillPlan plan = probed.plan(JANUARY_1_TO_10, PlanOptions.defaults().onUnavailable(PlanOptions.Unavailable.SKIP).batchSize(10));
    assertThat(plan.unavailable()).isEqualTo(
        new BackfillPlan.Unavailable(2, "2024-01-03", "2024-01-04", "events before 2024-01-05 were purged"));
    assertThat(planned(plan).keySet()).containsExactly("2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08",
        "2024-01-09", "2024-01-10");
    assertThat(plan.describe()).contains("unavailable  2 skipped, 2024-01-03 .. 2024-01-04 (events before 2024-01-05 were purged)");
    // Nothing of the range is unavailable after the cut-off: the report says none.
    BackfillPlan later = probed.plan(PartitionRange.of("2024-01-05", "2024-01-10"));
    assertThat(later.unavailable().partitions()).isZero();
    assertThat(later.describe()).contains("unavailable  none");
  }

  @Test
  void costIsUnknownWithoutEstimatesOrHistory() {
    InMemoryStateStore empty = new InMemoryStateStore(clock);
    Backfill<Row> fresh = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(new TestSource(1))
        .destination(new TestDestination()).stateStore(empty).clock(clock).build();
    BackfillPlan plan = fresh.plan(JANUARY_1_TO_10);
    CostEstimate cost = plan.cost();
    assertThat(cost.slices()).isEqualTo(10);
    assertThat(cost.partitions()).isEqualTo(10);
    assertThat(cost.rows()).isEmpty();
    assertThat(cost.rowsBasis()).isEqualTo("the source gives no estimates");
    assertThat(cost.duration()).isEmpty();
    assertThat(cost.durationBasis()).isEqualTo("no run history for this target");
    assertThat(cost.describe()).isEqualTo("10 slices, 10 partitions, rows unknown (the source gives no estimates),"
        + " duration unknown (no run history for this target)");
  }

  @Test
  void costComesFromSourceEstimatesAndThisTargetsHistory() {
    ProbedSource source = new ProbedSource(LocalDate.MIN, day -> true);
    BackfillPlan plan = backfillWith(source).plan(JANUARY_1_TO_10, PlanOptions.defaults().concurrency(2));
    CostEstimate cost = plan.cost();
    // Planned: 01-03..01-10, estimated at 100 + day of month rows each.
    assertThat(cost.rows()).isEqualTo(OptionalLong.of(103 + 104 + 105 + 106 + 107 + 108 + 109 + 110));
    assertThat(cost.rowsBasis()).isEqualTo("source estimates");
    assertThat(source.estimated).hasSize(8);
    // Seven successes of orders took 60+120+90+100+30+300+70 = 770 s, 110 s each; 8 partitions at concurrency 2.
    assertThat(cost.duration()).contains(Duration.ofSeconds(440));
    assertThat(cost.durationBasis()).isEqualTo("110000 ms per partition over 7 past partitions, concurrency 2");
    assertThat(cost.describe()).contains("rows ~852 (source estimates)", "duration ~7m20s");

    BackfillPlan partly = backfillWith(new ProbedSource(LocalDate.MIN, day -> day.getDayOfMonth() % 2 == 0)).plan(JANUARY_1_TO_10);
    assertThat(partly.cost().rows()).isEmpty();
    assertThat(partly.cost().rowsBasis()).isEqualTo("the source estimated 4 of 8 partitions");

    ProbedSource notAsked = new ProbedSource(LocalDate.MIN, day -> true);
    BackfillPlan off = backfillWith(notAsked).plan(JANUARY_1_TO_10, PlanOptions.defaults().estimateRows(false));
    assertThat(off.cost().rows()).isEmpty();
    assertThat(off.cost().rowsBasis()).isEqualTo("estimates turned off");
    assertThat(notAsked.estimated).isEmpty();

    BackfillPlan nothing = backfillWith(source).plan(PartitionRange.of("2024-01-01", "2024-01-02"));
    assertThat(nothing.isEmpty()).isTrue();
    assertThat(nothing.cost().rows()).isEqualTo(OptionalLong.of(0));
    assertThat(nothing.cost().duration()).contains(Duration.ZERO);
    assertThat(nothing.describe()).contains("nothing to do");
  }

  @Test
  void overBudgetPlansNeedConfirmationToExecute() {
    Backfill<Row> estimating = backfillWith(new ProbedSource(LocalDate.MIN, day -> true));
    BackfillPlan rowsOver = estimating.plan(JANUARY_1_TO_10, PlanOptions.defaults().maxRows(500));
    assertThat(rowsOver.overBudget()).contains("estimated rows 852 exceed the budget of 500");
    assertThat(rowsOver.describe()).contains("budget       EXCEEDED: estimated rows 852 exceed the budget of 500");
    assertThatThrownBy(() -> estimating.execute(rowsOver))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContainingAll("plan of orders is over budget", "estimated rows 852 exceed the budget of 500",
            "ExecutionOptions.builder().confirm(plan.confirm())");
    assertThat(store.runs("orders")).hasSize(3);

    BackfillPlan within = estimating.plan(JANUARY_1_TO_10, PlanOptions.defaults().maxRows(852).maxDuration(Duration.ofMinutes(15)));
    assertThat(within.overBudget()).isEmpty();
    assertThat(within.describe()).doesNotContain("budget");

    BackfillPlan durationOver = estimating.plan(JANUARY_1_TO_10, PlanOptions.defaults().maxDuration(Duration.ofMinutes(10)));
    assertThat(durationOver.overBudget()).contains("estimated duration PT14M40S exceeds the budget of PT10M");

    BackfillPlan unknownRows = backfill.plan(JANUARY_1_TO_10, PlanOptions.defaults().maxRows(1_000_000));
    assertThat(unknownRows.overBudget())
        .contains("estimated rows are unknown (the source gives no estimates) and the budget is 1000000 rows");
    assertThatThrownBy(() -> backfill.execute(unknownRows)).isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("estimated rows are unknown");
    assertThat(store.runs("orders")).hasSize(3);

    CostConfirmation seen = rowsOver.confirm();
    estimating.execute(rowsOver, ExecutionOptions.builder().confirm(seen).build()).await();
    assertThat(store.runs("orders")).as("confirmed, the plan ran").hasSize(4);
  }

  @Test
  void aStaleConfirmationIsRefusedBeforeAnyRunIsCreated() {
    Backfill<Row> estimating = backfillWith(new ProbedSource(LocalDate.MIN, day -> true));
    BackfillPlan tenDays = estimating.plan(JANUARY_1_TO_10, PlanOptions.defaults().maxRows(500));
    CostConfirmation forTenDays = tenDays.confirm();

    BackfillPlan otherRange = estimating.plan(PartitionRange.of("2024-01-01", "2024-01-09"), PlanOptions.defaults().maxRows(500));
    assertThatThrownBy(() -> estimating.execute(otherRange, ExecutionOptions.builder().confirm(forTenDays).build()))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("the cost confirmation is stale: it was made for the plan of orders over"
            + " 2024-01-01..2024-01-10 in environment default, not for the plan of orders over 2024-01-01..2024-01-09");

    // History moved: two days that had succeeded are invalidated, so the same request selects more.
    estimating.invalidate(PartitionRange.of("2024-01-01", "2024-01-02"));
    BackfillPlan grown = estimating.plan(JANUARY_1_TO_10, PlanOptions.defaults().maxRows(500));
    assertThat(grown.partitionCount()).isGreaterThan(tenDays.partitionCount());
    assertThatThrownBy(() -> estimating.execute(grown, ExecutionOptions.builder().confirm(forTenDays).build()))
        .isInstanceOf(BudgetExceededException.class)
        .hasMessageContaining("the cost confirmation is stale: the estimate of the plan of orders over 2024-01-01..2024-01-10"
            + " in environment default has grown since it was confirmed (partitions 8 -> 10)");
    assertThat(store.runs("orders")).as("nothing ran").hasSize(3);

    estimating.execute(grown, ExecutionOptions.builder().confirm(grown.confirm()).build()).await();
    assertThat(store.runs("orders")).as("confirmed again, the plan ran").hasSize(4);
  }

  @Test
  void describeShowsCountsReasonsAndTheBasisOfUnknownFigures() {
    String table = backfill.plan(JANUARY_1_TO_10).describe();
    assertThat(table).startsWith("Backfill plan for orders (daily(Z))\n");
    assertThat(table).contains(
        "  range        2024-01-01..2024-01-10 (10 partitions)\n",
        "  environment  default, logic version v2\n",
        "  selection    MISSING, FAILED, PARTIAL, INVALIDATED, LOGIC_CHANGED, oldest first, batch size 1\n",
        "  planned      8 partitions in 8 slices: MISSING 2, FAILED 4, INVALIDATED 1, LOGIC_CHANGED 1\n",
        "  rows         unknown (the source gives no estimates)\n",
        "  duration     ~14m40s (110000 ms per partition over 7 past partitions, concurrency 1)\n");
    assertThat(table).containsPattern("\\n\\s+#\\s+slice\\s+partitions\\s+reason\\n");
    assertThat(table).containsPattern("\\n\\s+0\\s+2024-01-03\\s+1\\s+INVALIDATED\\n");
    assertThat(table).containsPattern("\\n\\s+2\\s+2024-01-05\\s+1\\s+LOGIC_CHANGED\\n");
    assertThat(table).containsPattern("\\n\\s+7\\s+2024-01-10\\s+1\\s+MISSING\\n");

    InMemoryStateStore empty = new InMemoryStateStore(clock);
    String unknown = Backfill.builder("orders").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(new TestSource(1))
        .destination(new TestDestination()).stateStore(empty).clock(clock).build()
        .plan(PartitionRange.of("2024-01-01", "2024-04-30"), PlanOptions.defaults().environment("staging")).describe();
    assertThat(unknown).contains("  environment  staging\n",
        "  planned      121 partitions in 121 slices: MISSING 121\n",
        "  duration     unknown (no run history for this target)\n");
    // Long plans show the first twenty and the last ten slices.
    assertThat(unknown).containsPattern("\\n\\s+19\\s+2024-01-20\\s+1\\s+MISSING\\n\\s+\\.\\.\\.\\s+\\.\\.\\.\\s*\\n\\s+111\\s+2024-04-21\\s");
    assertThat(unknown).doesNotContain("2024-01-21 ");
    assertThat(unknown).containsPattern("\\n\\s+120\\s+2024-04-30\\s+1\\s+MISSING\\n$");
  }
}
