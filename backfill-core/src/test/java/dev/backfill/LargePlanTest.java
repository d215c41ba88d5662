package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.StoreHistory.Seed;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Plans of a million partitions, run by Maven in a JVM of its own with {@code -Xmx256m} (surefire
 * execution {@code lowmem}). The point is memory, not speed: there are no timing asserts.
 */
@Tag("lowmem")
class LargePlanTest {
  static final Instant NOW = Instant.parse("2024-06-01T00:00:00Z");

  static void printHeap(String what) {
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    System.out.printf(Locale.ROOT, "%s: heap used %,d MB of max %,d MB%n", what, heap.getUsed() >> 20, heap.getMax() >> 20);
  }

  static Backfill<Row> backfill(Partitioning p, InMemoryStateStore store) {
    return Backfill.builder("orders").partitioning(p).source(new TestSource(1)).destination(new TestDestination())
        .stateStore(store).logicVersion("v2").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @Test
  void runsInASmallHeap() {
    long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    assertThat(max).as("this test must run in the lowmem surefire execution").isLessThanOrEqualTo(300L << 20);
  }

  @Test
  void plansAMillionDaysSinceYearOne() {
    Partitioning daily = Partitioning.daily(ZoneId.of("Europe/Berlin"));
    PartitionRange range = PartitionRange.of("0001-01-01", "2740-12-31");
    long days = ChronoUnit.DAYS.between(LocalDate.of(1, 1, 1), LocalDate.of(2741, 1, 1));
    assertThat(days).isGreaterThan(1_000_000);

    // Days after NOW have not ended: they are planned only when partial runs are allowed.
    BackfillPlan plan = backfill(daily, new InMemoryStateStore()).plan(range, PlanOptions.defaults().allowPartial());
    long open = ChronoUnit.DAYS.between(LocalDate.of(2024, 6, 1), LocalDate.of(2741, 1, 1));
    assertThat(plan.incomplete().partitions()).isEqualTo(open);
    assertThat(plan.incomplete().first()).isEqualTo("2024-06-01");
    assertThat(backfill(daily, new InMemoryStateStore()).plan(range).partitionCount()).isEqualTo(days - open);
    assertThat(plan.rangeSize()).isEqualTo(days);
    assertThat(plan.partitionCount()).isEqualTo(days);
    assertThat(plan.sliceCount()).isEqualTo((int) days);
    assertThat(plan.counts()).containsExactly(Map.entry(Selection.MISSING, days));
    // Walk every slice: keys are consecutive days from year one, nothing is materialised.
    LocalDate expected = LocalDate.of(1, 1, 1);
    for (PlannedSlice s : plan.slices()) {
      assertThat(s.first().value()).isEqualTo(expected.toString());
      expected = expected.plusDays(1);
    }
    assertThat(expected).isEqualTo(LocalDate.of(2741, 1, 1));
    assertThat(plan.toSlice(plan.sliceCount() - 1).tokens().get("end_date")).isEqualTo(LocalDate.of(2740, 12, 31));
    assertThat(plan.describe()).contains(String.format(Locale.ROOT, "planned      %,d partitions in %,d slices", days, days));
    assertThat(BackfillPlan.fromJson(plan.toJson())).isEqualTo(plan);

    BackfillPlan weeks = backfill(daily, new InMemoryStateStore()).plan(range,
        PlanOptions.defaults().batchSize(7).order(PlanOptions.Order.NEWEST_FIRST).allowPartial());
    assertThat(weeks.sliceCount()).isEqualTo((int) ((days + 6) / 7));
    assertThat(weeks.slice(0).last().value()).isEqualTo("2740-12-31");
    printHeap(String.format(Locale.ROOT, "%,d days since 0001-01-01", days));
  }

  @Test
  void plansAThousandDaysByAThousandRegionsWithHalfOfThemDone() {
    List<String> regions = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      regions.add(String.format(Locale.ROOT, "r%03d", i));
    }
    Partitioning p = Partitioning.multi(Partitioning.daily(ZoneOffset.UTC), Partitioning.keys(regions).named("region"));
    LocalDate first = LocalDate.of(2021, 1, 1);
    LocalDate last = first.plusDays(999);
    PartitionRange range = PartitionRange.of(first.toString(), last.toString());

    // Every even region succeeded on every day: 500,000 partition states, written through the SPI
    // as one run of a thousand slices of 500 partitions. Missing partitions alternate, which is the
    // worst case for the plan's runs of consecutive partitions.
    InMemoryStateStore store = new InMemoryStateStore(Clock.fixed(NOW, ZoneOffset.UTC));
    List<Seed> seeds = new ArrayList<>(1000);
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      List<String> keys = new ArrayList<>(500);
      for (int r = 0; r < 1000; r += 2) {
        keys.add(day + "|" + regions.get(r));
      }
      seeds.add(new Seed(keys, SliceStatus.SUCCEEDED, Duration.ofSeconds(500)));
    }
    new StoreHistory(store, "orders", NOW.minus(Duration.ofDays(1))).run("v2", seeds);
    seeds = null;
    long[] states = new long[1];
    store.forEachPartitionState("orders", s -> states[0]++);
    assertThat(states[0]).isEqualTo(500_000);
    printHeap("500,000 partition states seeded");

    BackfillPlan plan = backfill(p, store).plan(range, PlanOptions.defaults().concurrency(8));
    assertThat(plan.rangeSize()).isEqualTo(1_000_000);
    assertThat(plan.partitionCount()).isEqualTo(500_000);
    assertThat(plan.sliceCount()).isEqualTo(500_000);
    assertThat(plan.counts()).containsExactly(Map.entry(Selection.MISSING, 500_000L));
    assertThat(plan.slice(0).key()).isEqualTo("2021-01-01|r001");
    assertThat(plan.slice(499_999).key()).isEqualTo(last + "|r999");
    int odd = 0;
    for (PlannedSlice s : plan.slices()) {
      String key = s.key();
      odd += (key.charAt(key.length() - 1) - '0') % 2;
    }
    assertThat(odd).isEqualTo(500_000);
    // 1 s per partition of history (500 s over 500 partitions per slice), at concurrency 8.
    assertThat(plan.cost().duration()).contains(Duration.ofSeconds(500_000 / 8));
    printHeap("plan of 500,000 of 1,000,000 partitions");

    BackfillPlan restate = backfill(p, store).plan(range, PlanOptions.defaults().select(Selection.RESTATE));
    assertThat(restate.sliceCount()).isEqualTo(1_000_000);
    assertThat(restate.slice(999_999).key()).isEqualTo(last + "|r999");

    String json = plan.toJson();
    printHeap("plan JSON of " + json.length() + " characters");
    assertThat(BackfillPlan.fromJson(json)).isEqualTo(plan);
    printHeap("plan read back from JSON");
  }
}
