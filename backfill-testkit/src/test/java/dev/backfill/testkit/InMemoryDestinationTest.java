package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the contract does not cover: the fake's observers, counters and its own error messages. */
class InMemoryDestinationTest {
  private static final Partitioning DAILY = Partitioning.daily(ZoneOffset.UTC);
  private final InMemoryDestination mart = InMemoryDestination.create();

  private static Slice slice(String day) {
    return Slice.of(0, List.of(DAILY.partition(day)));
  }

  @Test
  void everyStateReadersCouldSeeHoldsWholeSlicesOnlyWhileARunCommitsConcurrently() throws Exception {
    List<List<Row>> states = new CopyOnWriteArrayList<>();
    mart.onVisibleChange(states::add);
    AtomicBoolean running = new AtomicBoolean(true);
    Thread reader = new Thread(() -> {
      while (running.get()) {
        mart.rows();
      }
    });
    reader.start();
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> backfill = Fixtures.daily(driver.backfill("orders"), Fixtures.march(7), mart,
          WriteStrategy.overwritePartition("day"));
      RunReport report = driver.run(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-31")),
          ExecutionOptions.builder().maxConcurrency(4).writeBatchSize(2).build());
      assertThat(report.succeeded()).isTrue();
    } finally {
      running.set(false);
      reader.join();
    }

    assertThat(states).hasSize(31);
    for (List<Row> state : states) {
      Map<Object, Long> perDay = state.stream().collect(Collectors.groupingBy(r -> r.get("day"), Collectors.counting()));
      assertThat(perDay.values()).as("every visible day is complete").allMatch(n -> n == 7);
    }
    assertThat(mart.visibleReads()).as("the reader really read during the run").isGreaterThan(31);
    assertThat(mart.commits()).isEqualTo(31);
    assertThat(mart.openWriters()).isZero();
  }

  @Test
  void aWriterIsATransactionThatEndsOnce() throws Exception {
    SliceWriter<Row> writer = mart.open(slice("2024-03-01"), WriteStrategy.append(), null);
    writer.write(List.of(Fixtures.row("2024-03-01", 1, "a")));
    writer.abort();

    assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot commit slice 2024-03-01: its writer was already aborted");
    assertThatThrownBy(() -> writer.write(List.of())).hasMessageContaining("already aborted");
    assertThat(mart.aborts()).isEqualTo(1);
    assertThat(mart.size()).isZero();
  }

  @Test
  void rowsWithoutTheStrategysColumnsAreRejectedWithTheColumnNamed() throws Exception {
    SliceWriter<Row> writer = mart.open(slice("2024-03-01"), WriteStrategy.merge("order_id"), null);

    assertThatThrownBy(() -> writer.write(List.of(Fixtures.row("2024-03-01", 1, "a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no column 'order_id', which merge(order_id) needs");
  }

  @Test
  void mergeMatchesKeysByValueAsADatabaseWould() throws Exception {
    mart.seed(Row.of("day", LocalDate.parse("2024-03-01"), "id", 1, "note", "int key"));
    SliceWriter<Row> writer = mart.open(slice("2024-03-01"), WriteStrategy.merge("id"), null);
    writer.write(List.of(Row.of("day", LocalDate.parse("2024-03-01"), "id", 1L, "note", "long key")));
    writer.commit();

    assertThatDestination(mart).hasSize(1).hasRowsWhere("note", "long key", 1);
  }

  @Test
  void overwriteMatchesDaysHeldAsText() throws Exception {
    mart.seed(Row.of("day", "2024-03-01", "id", 1L, "note", "old"), Row.of("day", "2024-03-02", "id", 2L, "note", "kept"));
    SliceWriter<Row> writer = mart.open(slice("2024-03-01"), WriteStrategy.overwritePartition("day"), null);
    writer.write(List.of(Fixtures.row("2024-03-01", 3, "new")));
    writer.commit();

    assertThat(mart.rowsSortedBy("id")).extracting(r -> r.get("note")).containsExactly("kept", "new");
  }

  @Test
  void unsupportedStrategiesAreRejectedBeforeAnythingRuns() {
    InMemoryDestination mergeOnly = InMemoryDestination.supporting(WriteStrategy.Merge.class);

    assertThatThrownBy(() -> Fixtures.daily(Backfill.builder("orders"), Fixtures.march(1), mergeOnly,
        WriteStrategy.fullRebuild()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("without support for fullRebuild").hasMessageContaining("Merge");
  }

  @Test
  void aRebuildKeepingThePreviousTableExposesIt() throws Exception {
    mart.seed(Fixtures.row("2024-02-01", 1, "old"));
    WriteStrategy rebuild = WriteStrategy.fullRebuild().keepingPrevious();
    RunContext run = new RunContext("r1", "orders", rebuild, DAILY, false);
    mart.beginRun(run);
    SliceWriter<Row> writer = mart.open(slice("2024-03-01"), rebuild, null);
    writer.write(List.of(Fixtures.row("2024-03-01", 2, "new")));
    writer.commit();
    assertThat(mart.shadowRows()).hasSize(1);

    mart.finishRun(run, new RunOutcome(true, "succeeded"));

    assertThatDestination(mart).containsExactlyInAnyOrder(Fixtures.row("2024-03-01", 2, "new"));
    assertThat(mart.previousRows()).containsExactly(Fixtures.row("2024-02-01", 1, "old"));
    assertThat(mart.hasShadow()).isFalse();
    assertThat(mart.swaps()).isEqualTo(1);
  }

  @Test
  void aNewRebuildStartsAFreshShadowButAResumeContinuesIt() throws Exception {
    WriteStrategy rebuild = WriteStrategy.fullRebuild();
    RunContext first = new RunContext("r1", "orders", rebuild, DAILY, false);
    mart.beginRun(first);
    SliceWriter<Row> writer = mart.open(slice("2024-03-01"), rebuild, null);
    writer.write(List.of(Fixtures.row("2024-03-01", 1, "a")));
    writer.commit();
    mart.finishRun(first, new RunOutcome(false, "cancelled"));

    mart.beginRun(new RunContext("r1", "orders", rebuild, DAILY, true));
    assertThat(mart.shadowRows()).as("resumed").hasSize(1);
    mart.beginRun(new RunContext("r2", "orders", rebuild, DAILY, false));
    assertThat(mart.shadowRows()).as("new run").isEmpty();
    assertThat(mart.size()).isZero();
  }
}
