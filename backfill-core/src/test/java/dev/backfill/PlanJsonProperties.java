package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.StoreHistory.Seed;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Plans of every partitioning type and options combination, over random history, retention and
 * estimates, survive {@code toJson}/{@code fromJson} exactly: equal plans, identical JSON text,
 * identical slices and dry-run table.
 */
class PlanJsonProperties {

  @Provide
  Arbitrary<Partitioning> partitionings() {
    Arbitrary<ZoneId> zones = Arbitraries.of("Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Z", "+05:45")
        .map(ZoneId::of);
    Arbitrary<String> names = Arbitraries.of("", "bucket", "report_day");
    Arbitrary<Partitioning> calendars = Combinators.combine(zones, Arbitraries.integers().between(0, 3),
        Arbitraries.of(DayOfWeek.class), names).as((zone, unit, first, name) -> {
          Partitioning p = switch (unit) {
            case 0 -> Partitioning.hourly(zone);
            case 1 -> Partitioning.daily(zone);
            case 2 -> Partitioning.weekly(zone, first);
            default -> Partitioning.monthly(zone);
          };
          return name.isEmpty() ? p : p.named(name);
        });
    Arbitrary<Partitioning> keys = Arbitraries.strings().alpha().numeric().withChars("-_ é\"\\").ofMinLength(1).ofMaxLength(6)
        .filter(k -> k.strip().equals(k)).list().ofMinSize(1).ofMaxSize(6).uniqueElements()
        .map(list -> Partitioning.keys(list).named("region"));
    Arbitrary<Partitioning> multis = Combinators.combine(calendars, keys, Arbitraries.of(true, false))
        .as((time, region, timeFirst) -> timeFirst ? Partitioning.multi(time, region) : Partitioning.multi(region, time));
    return Arbitraries.oneOf(calendars, keys, multis);
  }

  @Provide
  Arbitrary<PlanOptions> options() {
    Arbitrary<Set<Selection>> selection = Arbitraries.of(Selection.class).set().ofMinSize(1);
    return Combinators.combine(selection, Arbitraries.of(PlanOptions.Order.class), Arbitraries.integers().between(1, 9),
        Arbitraries.of(PlanOptions.Unavailable.class), Arbitraries.integers().between(1, 16), Arbitraries.of(true, false),
        Arbitraries.longs().between(0, 5_000).injectNull(0.5),
        Arbitraries.longs().between(0, 100_000).map(Duration::ofSeconds).injectNull(0.5))
        .as((sel, order, batch, unavailable, concurrency, estimate, maxRows, maxDuration) ->
            new PlanOptions(EnumSet.copyOf(sel), order, batch, unavailable, concurrency, estimate, maxRows, maxDuration, "default",
                Duration.ZERO, false))
        .flatMap(o -> Arbitraries.of("default", "prod", "staging ü \"quoted\" \\ \n").map(o::environment))
        .flatMap(o -> Arbitraries.longs().between(0, 100_000).map(s -> o.lateness(Duration.ofSeconds(s))))
        // Random creation times leave many partitions incomplete: mostly allow them, so plans keep segments.
        .flatMap(o -> Arbitraries.frequency(net.jqwik.api.Tuple.of(1, o), net.jqwik.api.Tuple.of(5, o.allowPartial())));
  }

  @Provide
  Arbitrary<Instant> createdAt() {
    return Arbitraries.longs().between(0, 4_000_000_000L).flatMap(s ->
        Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
  }

  /** A source with retention and estimates derived from a seed, so the plan has segments and figures. */
  record SeededSource(long seed, boolean estimates, boolean retention) implements SourceNode<Row> {
    @Override
    public void read(Slice slice, SliceContext context, RecordSink<? super Row> sink) {
      throw new AssertionError("planning must not read");
    }

    @Override
    public Availability availability(Partition partition) {
      return retention && (partition.key().hashCode() ^ seed) % 7 == 0
          ? Availability.missing("purged \"" + partition.key() + "\"") : Availability.AVAILABLE;
    }

    @Override
    public Optional<Estimate> estimate(Partition partition) {
      return estimates ? Optional.of(Estimate.rows(Math.floorMod(partition.key().hashCode() ^ seed, 1000))) : Optional.empty();
    }
  }

  @Property(tries = 120)
  void plansRoundTripThroughJsonExactly(@ForAll("partitionings") Partitioning partitioning, @ForAll("options") PlanOptions options,
      @ForAll("createdAt") Instant createdAt, @ForAll long seed, @ForAll boolean estimates) {
    if (!(partitioning instanceof CalendarPartitioning)) {
      options = options.batchSize(1);
    }
    Random random = new Random(seed);
    PartitionRange range = randomRange(partitioning, random);
    InMemoryStateStore store = new InMemoryStateStore(Clock.fixed(createdAt, ZoneOffset.UTC));
    seedHistory(store, partitioning.enumerate(range), random);
    // Retention only with SKIP: with FAIL a missing partition fails the plan instead.
    SourceNode<Row> source = new SeededSource(seed, estimates, options.unavailable() == PlanOptions.Unavailable.SKIP);
    Backfill<Row> backfill = Backfill.builder("mart.orders").partitioning(partitioning).source(source)
        .destination(new TestDestination()).stateStore(store).logicVersion(random.nextBoolean() ? "v2" : "")
        .clock(Clock.fixed(createdAt, ZoneOffset.UTC)).build();
    BackfillPlan plan = backfill.plan(range, options);
    // The generated plans must cover the parts of the JSON that are easy to get wrong.
    Statistics.label("segments").collect(plan.sliceCount() == 0 ? "none" : plan.counts().size() > 1 ? "several reasons" : "one reason");
    Statistics.label("skipped").collect(plan.unavailable().partitions() > 0);
    Statistics.label("rows").collect(plan.cost().rows().isPresent());
    Statistics.label("incomplete").collect(plan.incomplete().partitions() > 0);
    Statistics.label("segments").coverage(c -> c.check("several reasons").percentage(pct -> pct >= 20));
    Statistics.label("skipped").coverage(c -> c.check(true).percentage(pct -> pct >= 10));
    Statistics.label("rows").coverage(c -> c.check(true).percentage(pct -> pct >= 10));
    Statistics.label("incomplete").coverage(c -> c.check(true).percentage(pct -> pct >= 10));

    String json = plan.toJson();
    BackfillPlan back = BackfillPlan.fromJson(json);
    assertThat(back).isEqualTo(plan);
    assertThat(back.toJson()).isEqualTo(json);
    assertThat(back.createdAt()).isEqualTo(createdAt);
    assertThat(back.options()).isEqualTo(plan.options());
    assertThat(back.partitioning()).isEqualTo(partitioning);
    assertThat(back.cost()).isEqualTo(plan.cost());
    assertThat(back.unavailable()).isEqualTo(plan.unavailable());
    assertThat(back.slices()).containsExactlyElementsOf(plan.slices());
    assertThat(back.describe()).isEqualTo(plan.describe());
    for (int i = 0; i < plan.sliceCount(); i++) {
      assertThat(back.partitions(i)).isEqualTo(plan.partitions(i));
    }
  }

  /** A range of up to ~60 partitions somewhere between 1990 and 2030. */
  static PartitionRange randomRange(Partitioning p, Random random) {
    if (p instanceof MultiPartitioning m) {
      List<PartitionRange> parts = new ArrayList<>();
      for (SingleDimension d : m.parts) {
        parts.add(randomRange(d, random));
      }
      if (m.parts.get(1) instanceof StaticKeyPartitioning && random.nextBoolean()) {
        return parts.get(0);
      }
      return PartitionRange.of(parts.get(0).start() + "|" + parts.get(1).start(), parts.get(0).end() + "|" + parts.get(1).end());
    }
    if (p instanceof StaticKeyPartitioning k) {
      int a = random.nextInt(k.keys.size());
      int b = a + random.nextInt(k.keys.size() - a);
      return PartitionRange.of(k.keys.get(a), k.keys.get(b));
    }
    Instant from = Instant.ofEpochSecond(631_152_000L + (long) (random.nextDouble() * 1_262_304_000L));
    Partition first = p.partitionAt(from);
    Duration unit = first.window().orElseThrow().duration();
    Partition last = p.partitionAt(from.plus(unit.multipliedBy(random.nextInt(30))));
    return PartitionRange.of(first.key().value(), last.key().value());
  }

  /** Successes under two logic versions, failures and invalidations on random partitions. */
  static void seedHistory(InMemoryStateStore store, PartitionSequence seq, Random random) {
    StoreHistory history = new StoreHistory(store, "mart.orders", Instant.parse("2020-01-01T00:00:00Z"));
    List<Seed> current = new ArrayList<>();
    List<Seed> old = new ArrayList<>();
    List<Seed> failed = new ArrayList<>();
    List<PartitionKey> invalid = new ArrayList<>();
    for (Partition p : seq) {
      String key = p.key().value();
      switch (random.nextInt(6)) {
        case 0 -> current.add(Seed.of(key, SliceStatus.SUCCEEDED, Duration.ofMillis(random.nextInt(100_000))));
        case 1 -> old.add(Seed.of(key, SliceStatus.SUCCEEDED, Duration.ofMillis(random.nextInt(100_000))));
        case 2 -> failed.add(Seed.of(key, random.nextBoolean() ? SliceStatus.FAILED : SliceStatus.FAILED_CHECK, Duration.ofSeconds(1)));
        case 3 -> invalid.add(p.key());
        default -> { }
      }
    }
    history.run("v0", old);
    history.run("v2", current);
    history.run("v2", failed);
    store.invalidate("mart.orders", invalid, "invalidate-seed");
  }
}
