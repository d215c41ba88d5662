package dev.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreFootprintTest {

  private static final long MIB = 1L << 20;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH");

  @Test
  void aRunThatWouldFillHalfTheHeapIsNamedWithTheWayOut() {
    String warning = InMemoryStateStore.footprintWarning(2_000_000, 256 * MIB).orElseThrow();

    assertTrue(warning.contains("2000000 slices need about 1144 MiB of this JVM's 256 MiB maximum heap"), warning);
    assertTrue(warning.contains("use a JdbcStateStore"), warning);
  }

  @Test
  void aRunThatFitsIsNotWarnedAbout() {
    assertEquals(Optional.empty(), InMemoryStateStore.footprintWarning(100_000, 256 * MIB));
    assertEquals(Optional.empty(), InMemoryStateStore.footprintWarning(0, 256 * MIB));
  }

  @Test
  void thePlanCarriesTheWarningWhenItsSlicesWouldNotFit() {
    long slicesThatFillHalf = Runtime.getRuntime().maxMemory() / 2 / InMemoryStateStore.BYTES_PER_SLICE;
    // hourly partitions: enough hours to pass half the heap, whatever -Xmx the tests run with
    LocalDateTime start = LocalDateTime.of(1000, 1, 1, 0, 0);
    LocalDateTime end = start.plusHours(slicesThatFillHalf + 1000);
    PartitionRange range = PartitionRange.of(start.format(HOUR), end.format(HOUR));
    Backfill<Row> backfill = Backfill.builder("huge_hours").partitioning(Partitioning.hourly(ZoneOffset.UTC))
        .source(new TestSource(1)).destination(new TestDestination()).stateStore(new InMemoryStateStore())
        .clock(Clock.fixed(end.plusDays(1).toInstant(ZoneOffset.UTC), ZoneOffset.UTC)).build();

    BackfillPlan plan = backfill.plan(range, PlanOptions.defaults());

    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("use a JdbcStateStore")), plan.warnings().toString());
  }
}
