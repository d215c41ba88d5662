package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.InvalidRangeException;
import dev.backfill.Partition;
import dev.backfill.PartitionRange;
import dev.backfill.PartitionSequence;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * For random hourly ranges around the daylight saving changes of zones that have them, a backfill of
 * every partition into an {@link InMemoryDestination} that replaces partitions leaves exactly one copy
 * of each source row, whether rows carry the local hour or the hour's instant; so does re-running a
 * random sub-range afterwards. A range that holds only one of the two hours a zone repeats in autumn
 * is refused before anything runs.
 */
class DaylightSavingProperties {
  static final List<String> ZONES = List.of("America/New_York", "US/Central", "Europe/Berlin", "Europe/London",
      "Australia/Sydney", "America/Santiago");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

  enum Hour { LOCAL, INSTANT }

  record Case(ZoneId zone, Instant around, int hoursBefore, int hours, Hour hour, boolean merge, int concurrency,
      int rerunFrom, int rerunLength) {
    Partitioning partitioning() {
      return Partitioning.hourly(zone);
    }

    PartitionRange range() {
      Instant start = around.minusSeconds(3600L * hoursBefore);
      return PartitionRange.of(partitioning().partitionAt(start).key().value(),
          partitioning().partitionAt(start.plusSeconds(3600L * (hours - 1))).key().value());
    }

    WriteStrategy strategy() {
      return merge ? WriteStrategy.merge("id").deletingMissingWithin("hour") : WriteStrategy.overwritePartition("hour");
    }
  }

  @Property(tries = 150)
  void everySourceRowIsWrittenExactlyOnceAlsoAfterARerunOfASubRange(@ForAll("cases") Case c) {
    InMemoryDestination destination = InMemoryDestination.create();
    InMemorySource<Row> source = InMemorySource.generated(p -> rowsOf(p, c.hour()));
    Backfill<Row> backfill = Backfill.builder("hours").partitioning(c.partitioning()).source(source)
        .destination(destination).strategy(c.strategy()).stateStore(new InMemoryStateStore(CLOCK)).clock(CLOCK)
        .sleeper(d -> { }).build();
    PartitionRange range = c.range();
    PartitionSequence partitions = c.partitioning().enumerate(range);

    BackfillPlan plan;
    try {
      plan = backfill.plan(range);
    } catch (InvalidRangeException e) {
      assertThat(e).hasMessageContaining("repeats when its clocks go back");
      assertThat(destination.rows()).isEmpty();
      return;
    }
    run(backfill, plan, c.concurrency());
    assertExactlyOnce(destination, partitions, c.hour());

    long from = Math.min(c.rerunFrom(), partitions.size() - 1);
    long to = Math.min(partitions.size() - 1, from + c.rerunLength());
    PartitionRange sub = PartitionRange.of(partitions.keyAt(from).value(), partitions.keyAt(to).value());
    BackfillPlan rerun;
    try {
      rerun = backfill.plan(sub, PlanOptions.defaults().select(Selection.RESTATE));
    } catch (InvalidRangeException e) {
      assertThat(e).hasMessageContaining("repeats when its clocks go back");
      assertExactlyOnce(destination, partitions, c.hour());
      return;
    }
    run(backfill, rerun, c.concurrency());
    assertExactlyOnce(destination, partitions, c.hour());
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<ZoneId> zones = Arbitraries.of(ZONES).map(ZoneId::of);
    Arbitrary<Integer> years = Arbitraries.integers().between(2016, 2024);
    Arbitrary<Boolean> autumn = Arbitraries.of(true, false);
    return Combinators.combine(zones, years, autumn).as(DaylightSavingProperties::transition).flatMap(t ->
        Combinators.combine(Arbitraries.integers().between(0, 30), Arbitraries.integers().between(1, 60),
            Arbitraries.of(Hour.values()), Arbitraries.of(true, false), Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 59), Arbitraries.integers().between(0, 10))
            .as((before, hours, hour, merge, concurrency, rerunFrom, rerunLength) ->
                new Case(t.zone, t.at, before, hours, hour, merge, concurrency, rerunFrom, rerunLength)));
  }

  private record Transition(ZoneId zone, Instant at) {}

  /** The first change of the year that moves clocks back (autumn) or forward. */
  private static Transition transition(ZoneId zone, int year, boolean autumn) {
    Instant from = java.time.LocalDate.of(year, 1, 1).atStartOfDay(zone).toInstant();
    for (ZoneOffsetTransition t = zone.getRules().nextTransition(from); t != null;
        t = zone.getRules().nextTransition(t.getInstant())) {
      if (t.isOverlap() == autumn) {
        return new Transition(zone, t.getInstant());
      }
    }
    throw new IllegalStateException(zone + " has no transition after " + from);
  }

  private static List<Row> rowsOf(Partition p, Hour hour) {
    Object value = hour == Hour.LOCAL ? p.dimensions().get("hour") : p.window().orElseThrow().startOffsetDateTime();
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      rows.add(Row.of("hour", value, "id", p.key().value() + "#" + i));
    }
    return rows;
  }

  private static void run(Backfill<Row> backfill, BackfillPlan plan, int concurrency) {
    assertThat(backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(concurrency).build()).await().status())
        .isEqualTo(RunStatus.SUCCEEDED);
  }

  private static void assertExactlyOnce(InMemoryDestination destination, PartitionSequence partitions, Hour hour) {
    List<Row> expected = new ArrayList<>();
    partitions.forEach(p -> expected.addAll(rowsOf(p, hour)));
    BackfillAssertions.assertThatRows(destination.rows()).isEqualToIgnoringOrder(expected);
  }
}
