package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Enumeration and key round trips of static-key partitionings and of day × region, for random key
 * lists and ranges; the expected partitions are built from the key list and {@link LocalDate}
 * arithmetic.
 */
class KeyAndMultiEnumerationProperties {

  record KeyCase(List<String> keys, int from, int to) {}

  record MultiCase(ZoneId zone, Instant from, int days, List<String> keys, int firstKey, int lastKey, boolean dayBoundsOnly) {}

  @Provide
  Arbitrary<List<String>> keyLists() {
    Arbitrary<String> key = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .withChars("-_.:/ éü").ofMinLength(1).ofMaxLength(10)
        .filter(k -> k.strip().equals(k));
    return key.list().ofMinSize(1).ofMaxSize(25).uniqueElements();
  }

  @Provide
  Arbitrary<KeyCase> keyRanges() {
    return keyLists().flatMap(keys -> Combinators.combine(
        Arbitraries.integers().between(0, keys.size() - 1), Arbitraries.integers().between(0, keys.size() - 1))
        .as((a, b) -> new KeyCase(keys, a, b)));
  }

  @Provide
  Arbitrary<MultiCase> multiRanges() {
    Arbitrary<ZoneId> zones = Arbitraries.of(CalendarEnumerationProperties.ZONES).map(ZoneId::of);
    return Combinators.combine(zones, keyLists(), Arbitraries.integers().between(0, 40), Arbitraries.of(true, false))
        .flatAs((zone, keys, days, dayOnly) -> Combinators.combine(
            CalendarEnumerationProperties.instantsAround(zone, 1850, 2100),
            Arbitraries.integers().between(0, keys.size() - 1), Arbitraries.integers().between(0, keys.size() - 1))
            .as((from, i, j) -> new MultiCase(zone, from, days, keys, Math.min(i, j), Math.max(i, j), dayOnly)));
  }

  @Property(tries = 200)
  void keyRangeYieldsTheDeclaredKeysBetweenItsBounds(@ForAll("keyRanges") KeyCase c) {
    Partitioning p = Partitioning.keys(c.keys()).named("region");
    PartitionRange range = PartitionRange.of(c.keys().get(c.from()), c.keys().get(c.to()));
    if (c.from() > c.to()) {
      assertThatThrownBy(() -> p.enumerate(range)).isInstanceOf(InvalidRangeException.class)
          .hasMessageContainingAll("'" + range.start() + "'", "'" + range.end() + "'", "after", "declared key order");
      return;
    }
    PartitionSequence seq = p.enumerate(range);
    List<String> expected = c.keys().subList(c.from(), c.to() + 1);
    List<Partition> parts = new ArrayList<>();
    seq.forEach(parts::add);
    assertThat(parts).extracting(part -> part.key().value()).containsExactlyElementsOf(expected);
    assertThat(seq.size()).isEqualTo(expected.size());
    for (int i = 0; i < parts.size(); i++) {
      Partition part = parts.get(i);
      assertThat(seq.get(i)).isEqualTo(part);
      assertThat(seq.keyAt(i)).isEqualTo(part.key());
      assertThat(seq.indexOf(part.key())).isEqualTo(i);
      assertThat(p.parse(part.key().value())).isEqualTo(part.key());
      assertThat(p.partition(part.key().value())).isEqualTo(part);
      assertThat(part.window()).isEmpty();
      assertThat(part.tokens().asMap()).containsExactly(
          java.util.Map.entry(Tokens.PARTITION_KEY, expected.get(i)), java.util.Map.entry("region", expected.get(i)));
    }
    for (int i = 0; i < c.keys().size(); i++) {
      if (i < c.from() || i > c.to()) {
        assertThat(seq.indexOf(PartitionKey.of(c.keys().get(i)))).isEqualTo(-1);
      }
    }
  }

  @Property(tries = 200)
  void dayByRegionYieldsEveryDayWithEachRegionInOrder(@ForAll("multiRanges") MultiCase c) {
    Partitioning daily = Partitioning.daily(c.zone());
    Partitioning regions = Partitioning.keys(c.keys()).named("region");
    Partitioning p = Partitioning.multi(daily, regions);
    LocalDate firstDay = c.from().atZone(c.zone()).toLocalDate();
    LocalDate lastDay = firstDay.plusDays(c.days());
    List<String> keys = c.dayBoundsOnly() ? c.keys() : c.keys().subList(c.firstKey(), c.lastKey() + 1);
    PartitionRange range = c.dayBoundsOnly() ? PartitionRange.of(firstDay.toString(), lastDay.toString())
        : PartitionRange.of(firstDay + "|" + keys.get(0), lastDay + "|" + keys.get(keys.size() - 1));

    List<LocalDate> days = new ArrayList<>();
    boolean skippedDay = false;
    for (LocalDate d = firstDay; !d.isAfter(lastDay); d = d.plusDays(1)) {
      days.add(d);
      skippedDay |= CalendarEnumerationProperties.dayDoesNotExist(c.zone(), d);
    }
    if (skippedDay || CalendarEnumerationProperties.dayDoesNotExist(c.zone(), firstDay)) {
      assertThatThrownBy(() -> p.enumerate(range)).isInstanceOf(InvalidRangeException.class)
          .hasMessageContaining("does not exist in " + c.zone());
      return;
    }

    List<String> expected = new ArrayList<>();
    for (LocalDate d : days) {
      for (String k : keys) {
        expected.add(d + "|" + k);
      }
    }
    PartitionSequence seq = p.enumerate(range);
    List<Partition> parts = new ArrayList<>();
    seq.forEach(parts::add);
    assertThat(parts).extracting(part -> part.key().value()).containsExactlyElementsOf(expected);
    assertThat(seq.size()).isEqualTo(expected.size());

    TimeWindow previousWindow = null;
    for (int i = 0; i < parts.size(); i++) {
      Partition part = parts.get(i);
      LocalDate day = days.get(i / keys.size());
      String region = keys.get(i % keys.size());
      assertThat(seq.get(i)).isEqualTo(part);
      assertThat(seq.keyAt(i)).isEqualTo(part.key());
      assertThat(seq.indexOf(part.key())).isEqualTo(i);
      assertThat(p.parse(part.key().value())).isEqualTo(part.key());
      assertThat(p.partition(part.key().value())).isEqualTo(part);
      TimeWindow w = part.window().orElseThrow();
      assertThat(w).isEqualTo(daily.partition(day.toString()).window().orElseThrow());
      assertThat(part.dimensions()).containsExactly(java.util.Map.entry("day", day), java.util.Map.entry("region", region));
      assertThat(part.tokens().names()).containsExactlyInAnyOrderElementsOf(p.tokenNames());
      assertThat(part.tokens().get("region")).isEqualTo(region);
      assertThat(part.tokens().get(Tokens.START_DATE)).isEqualTo(day);
      assertThat(part.tokens().get(Tokens.PARTITION_KEY)).isEqualTo(day + "|" + region);
      // Regions of one day share its window; consecutive days tile.
      if (previousWindow != null && !previousWindow.equals(w)) {
        assertThat(w.start()).isEqualTo(previousWindow.end());
      }
      previousWindow = w;
    }
    assertThat(seq.indexOf(PartitionKey.of(firstDay.minusDays(1) + "|" + keys.get(0)))).isEqualTo(-1);
    assertThat(seq.indexOf(PartitionKey.of(lastDay.plusDays(1) + "|" + keys.get(0)))).isEqualTo(-1);
    assertThat(seq.indexOf(PartitionKey.of(firstDay.toString()))).isEqualTo(-1);
  }
}
