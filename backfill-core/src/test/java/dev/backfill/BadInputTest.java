package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Every bad range, key and option fails with a specific exception whose message names the bad value
 * and the expected form, and planning a bad range writes nothing.
 */
class BadInputTest {
  static final Partitioning DAILY = Partitioning.daily(ZoneId.of("Europe/Berlin"));
  static final Partitioning REGIONS = Partitioning.keys("eu", "us", "apac").named("region");
  static final Partitioning DAY_BY_REGION = Partitioning.multi(DAILY, REGIONS);

  static void rejects(Partitioning p, String start, String end, String... fragments) {
    assertThatThrownBy(() -> p.enumerate(PartitionRange.of(start, end)))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll(fragments);
  }

  @Test
  void startAfterEnd() {
    rejects(DAILY, "2024-03-31", "2024-03-01", "start '2024-03-31' is after end '2024-03-01'", "expected start <= end");
    rejects(REGIONS, "us", "eu", "start 'us' is after end 'eu'", "declared key order eu, us, apac");
    rejects(Partitioning.hourly(ZoneOffset.UTC), "2024-03-01T05", "2024-03-01T04", "'2024-03-01T05' is after end '2024-03-01T04'");
  }

  @Test
  void misalignedBound() {
    assertThatThrownBy(() -> DAILY.enumerate(PartitionRange.of("2024-03-01T05", "2024-03-31")))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessage("start '2024-03-01T05' is an hourly key but the target is partitioned daily;"
            + " expected YYYY-MM-DD (e.g. 2024-03-01)");
    rejects(Partitioning.monthly(ZoneOffset.UTC), "2024-03-01", "2024-04",
        "start '2024-03-01' is a daily key but the target is partitioned monthly", "expected YYYY-MM (e.g. 2024-03)");
    rejects(Partitioning.hourly(ZoneOffset.UTC), "2024-03-01", "2024-03-02T00",
        "start '2024-03-01' is a daily key but the target is partitioned hourly", "expected YYYY-MM-DDTHH");
    rejects(DAILY, "1 March 2024", "2024-03-31", "start '1 March 2024' is not a daily partition key", "expected YYYY-MM-DD");
  }

  @Test
  void impossibleDates() {
    rejects(DAILY, "2024-02-01", "2024-02-30", "end '2024-02-30' is not a date", "expected YYYY-MM-DD");
    rejects(DAILY, "2023-02-29", "2023-03-01", "start '2023-02-29' is not a date");
    rejects(DAILY, "2024-04-31", "2024-05-01", "start '2024-04-31' is not a date");
    rejects(Partitioning.hourly(ZoneOffset.UTC), "2024-03-01T24", "2024-03-02T01",
        "start '2024-03-01T24' is not an hour", "expected YYYY-MM-DDTHH");
    rejects(Partitioning.hourly(ZoneOffset.UTC), "2024-03-01T05+25:00", "2024-03-02T01",
        "start '2024-03-01T05+25:00' has offset +25:00, which is not an offset");
  }

  @Test
  void unknownZone() {
    assertThatThrownBy(() -> Partitioning.zone("Europe/Berln"))
        .isInstanceOf(InvalidRangeException.class)
        .hasMessageContainingAll("unknown zone 'Europe/Berln'", "expected a region id such as Europe/Berlin");
    assertThatThrownBy(() -> Partitioning.zone("+25:00")).isInstanceOf(InvalidRangeException.class)
        .hasMessageContaining("'+25:00'");
    assertThat(Partitioning.zone("Europe/Berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
  }

  @Test
  void unknownStaticKey() {
    rejects(REGIONS, "eu", "latam", "unknown end key 'latam' for dimension region", "expected one of eu, us, apac");
    assertThatThrownBy(() -> REGIONS.parse("EU")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'EU'", "expected one of eu, us, apac");
  }

  @Test
  void emptyKey() {
    assertThatThrownBy(() -> Partitioning.keys("eu", ""))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("static key #2 is empty", "expected non-empty text");
    assertThatThrownBy(() -> Partitioning.keys())
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("static keys are empty; expected at least one key");
    rejects(REGIONS, "", "us", "start is empty", "expected one of eu, us, apac");
    assertThatThrownBy(() -> PartitionKey.of("")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("partition key is empty");
    assertThatThrownBy(() -> Partitioning.keys("eu", " us")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("' us'", "leading or trailing blanks");
  }

  @Test
  void keysContainingTheSeparator() {
    assertThatThrownBy(() -> Partitioning.keys("eu|west", "us"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("static key 'eu|west'", "multi-key separator '|'", "expected text without it");
  }

  @Test
  void duplicateStaticKeys() {
    assertThatThrownBy(() -> Partitioning.keys("eu", "us", "eu"))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("static key 'eu' is listed twice", "expected unique keys");
  }

  @Test
  void multiBoundWithTheWrongNumberOfParts() {
    rejects(DAY_BY_REGION, "2024-03-01|eu|x", "2024-03-31|us",
        "start '2024-03-01|eu|x' has 3 part(s)", "expected day|region (e.g. 2024-03-01|eu)");
    rejects(DAY_BY_REGION, "2024-03-01|eu", "2024-03-31",
        "end '2024-03-31' has 1 part(s)", "expected day|region");
    rejects(DAY_BY_REGION, "2024-03-01|latam", "2024-03-31|us", "unknown start key 'latam'");
    assertThatThrownBy(() -> DAY_BY_REGION.parse("2024-03-01")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("'2024-03-01' has 1 part(s)", "expected day|region");
    Partitioning regionByDay = Partitioning.multi(REGIONS, DAILY);
    rejects(regionByDay, "eu", "us", "range eu..us bounds only dimension region but day is a time dimension",
        "expected bounds of the form region|day");
  }

  @Test
  void anEmptyKeyPartIsNotInAnyRange() {
    Partitioning p = Partitioning.multi(DAILY, Partitioning.keys("?", "eu").named("region"));
    PartitionSequence seq = p.enumerate(PartitionRange.of("2024-03-01", "2024-03-02"));
    assertThat(seq.indexOf(PartitionKey.of("2024-03-01|?"))).isEqualTo(0);
    assertThat(seq.indexOf(PartitionKey.of("2024-03-01|"))).isEqualTo(-1);
    assertThat(seq.indexOf(PartitionKey.of("|eu"))).isEqualTo(-1);
    assertThatThrownBy(() -> p.parse("2024-03-01|")).isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContainingAll("is empty", "expected one of ?, eu");
  }

  @Test
  void weeklyBoundNotOnTheFirstDay() {
    rejects(Partitioning.weekly(ZoneOffset.UTC, DayOfWeek.MONDAY), "2024-03-06", "2024-03-25",
        "start '2024-03-06' is a Wednesday but weekly partitions start on Monday", "expected the week's first day, e.g. 2024-03-04");
    rejects(Partitioning.weekly(ZoneOffset.UTC, DayOfWeek.SUNDAY), "2024-03-03", "2024-03-25",
        "end '2024-03-25' is a Monday but weekly partitions start on Sunday", "e.g. 2024-03-24");
  }

  @Test
  void monthThirteen() {
    rejects(Partitioning.monthly(ZoneOffset.UTC), "2024-01", "2024-13", "end '2024-13' is not a month", "expected YYYY-MM (e.g. 2024-03)");
    rejects(Partitioning.monthly(ZoneOffset.UTC), "2024-00", "2024-03", "start '2024-00' is not a month");
  }

  @Test
  void batchSizeZeroAndOtherBadOptions() {
    assertThatThrownBy(() -> PlanOptions.defaults().batchSize(0))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("batchSize 0 is not allowed; expected 1 or more partitions per slice");
    assertThatThrownBy(() -> PlanOptions.defaults().concurrency(-2))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("concurrency -2", "expected 1 or more");
    assertThatThrownBy(() -> PlanOptions.defaults().maxRows(-1))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("maxRows -1 is negative", "expected 0 or more");
  }

  @Test
  void emptySelection() {
    assertThatThrownBy(() -> PlanOptions.defaults().select())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("selection is empty", "expected at least one of [MISSING, FAILED, PARTIAL, INVALIDATED, LOGIC_CHANGED, RESTATE]");
  }

  @Test
  void aModeNamedTwiceIsSelectedOnce() {
    assertThat(PlanOptions.defaults().select(Selection.MISSING, Selection.MISSING).selection()).containsExactly(Selection.MISSING);
  }

  @Test
  void batchesNeedASingleTimePartitioning() {
    Backfill<Row> backfill = Backfill.builder("orders").partitioning(DAY_BY_REGION).source(new TestSource(1))
        .destination(new TestDestination()).build();
    assertThatThrownBy(() -> backfill.plan(PartitionRange.of("2024-03-01", "2024-03-02"), PlanOptions.defaults().batchSize(7)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("batchSize 7", "multi(daily(Europe/Berlin), keys(eu, us, apac) as region)", "use batchSize 1");
  }

  @Test
  void planningABadRangeWritesNothing() {
    InMemoryStateStore store = new InMemoryStateStore();
    Backfill<Row> backfill = Backfill.builder("orders").partitioning(DAILY).source(new TestSource(1))
        .destination(new TestDestination()).stateStore(store).build();
    assertThatThrownBy(() -> backfill.plan(PartitionRange.of("2024-03-01", "2024-02-30")))
        .isInstanceOf(InvalidPartitionKeyException.class)
        .hasMessageContaining("end '2024-02-30' is not a date");
    assertThatThrownBy(() -> backfill.invalidate(PartitionRange.of("2024-03-31", "2024-03-01")))
        .isInstanceOf(InvalidRangeException.class);
    assertThat(store.runs("orders")).isEmpty();
    java.util.List<Object> states = new java.util.ArrayList<>();
    store.forEachPartitionState("orders", states::add);
    assertThat(states).isEmpty();
  }
}
