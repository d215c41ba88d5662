package dev.backfill;

import static dev.backfill.Fixtures.daily;
import static dev.backfill.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class FullRebuildTest {
  private static final PartitionRange WEEK = PartitionRange.of("2024-03-01", "2024-03-07");
  private static final List<Row> OLD = List.of(
      Row.of("day", LocalDate.parse("2024-03-01"), "id", "old#1", "amount", 99L),
      Row.of("day", LocalDate.parse("2024-02-01"), "id", "old#2", "amount", 98L));
  private final TestDestination dest = new TestDestination();

  @Test
  void failedRebuildLeavesTheOldTableReadableAndUnchanged() {
    dest.seed(OLD);
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (slice.key().equals("2024-03-05")) {
        throw new IllegalStateException("bad upstream file");
      }
    }), dest).strategy(WriteStrategy.fullRebuild()).build();

    RunReport report = backfill.execute(backfill.plan(WEEK, PlanOptions.defaults().select(Selection.RESTATE))).await();

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(6);
    assertThat(report.message()).contains("full rebuild not swapped: the live table is untouched");
    assertThat(dest.rows()).containsExactlyElementsOf(OLD);
  }

  @Test
  void resumedRebuildKeepsItsShadowAndSwapsOnlyWhenEverySliceSucceeded() {
    dest.seed(OLD);
    java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean(true);
    Backfill<Row> backfill = daily(source((slice, ctx) -> {
      if (broken.get() && slice.key().equals("2024-03-05")) {
        throw new IllegalStateException("bad upstream file");
      }
    }), dest).strategy(WriteStrategy.fullRebuild()).build();
    RunReport failed = backfill.execute(backfill.plan(WEEK, PlanOptions.defaults().select(Selection.RESTATE))).await();
    assertThat(dest.rows()).containsExactlyElementsOf(OLD);

    broken.set(false);
    RunReport resumed = backfill.resume(failed.runId()).await();

    assertThat(resumed.succeeded()).isTrue();
    assertThat(resumed.message()).contains("full rebuild swapped into place");
    assertThat(dest.rows()).hasSize(14).noneMatch(r -> r.get("id").toString().startsWith("old"));
  }

  @Test
  void failingRunCheckPreventsTheSwap() {
    dest.seed(OLD);
    Backfill<Row> backfill = daily(source((s, c) -> { }), dest).strategy(WriteStrategy.fullRebuild())
        .runCheck(SliceCheck.minRows(1_000)).build();

    RunReport report = backfill.execute(backfill.plan(WEEK, PlanOptions.defaults().select(Selection.RESTATE))).await();

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    assertThat(report.message()).contains("run check minRows(1000) failed: rows 14 < minRows 1000",
        "full rebuild not swapped");
    assertThat(dest.rows()).containsExactlyElementsOf(OLD);
  }

  @Test
  void rebuildOfPartOfTheRangeIsRefusedBeforeAnythingIsWritten() {
    dest.seed(OLD);
    Backfill<Row> backfill = daily(source((s, c) -> { }), dest).strategy(WriteStrategy.fullRebuild()).build();
    backfill.execute(backfill.plan(PartitionRange.single("2024-03-01"), PlanOptions.defaults().select(Selection.RESTATE))).await();
    dest.seed(OLD);
    int runsBefore = backfill.runs().size();

    BackfillPlan partial = backfill.plan(WEEK);
    assertThat(partial.partitionCount()).isEqualTo(6);
    assertThatThrownBy(() -> backfill.execute(partial))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("fullRebuild replaces the whole table, but the plan covers 6 of 7 partitions");
    assertThat(dest.rows()).containsExactlyElementsOf(OLD);
    assertThat(backfill.runs()).hasSize(runsBefore);
  }
}
