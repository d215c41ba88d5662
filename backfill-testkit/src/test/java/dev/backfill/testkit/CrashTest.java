package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A simulated crash leaves what a killed process leaves, and a resume recovers from exactly that. */
class CrashTest {
  private final BackfillTestDriver driver = BackfillTestDriver.create();
  private final InMemorySource<Row> source = Fixtures.march(2);
  private final InMemoryDestination mart = InMemoryDestination.create();

  @AfterEach
  void close() {
    driver.close();
  }

  private Backfill<Row> pipeline(SourceNode<Row> src, DestinationNode<Row> dst, StateStore store, WriteStrategy strategy) {
    return driver.backfill("mart.orders").stateStore(driver.gate(store))
        .partitioning(Partitioning.daily(ZoneOffset.UTC)).source(src).destination(dst).strategy(strategy).build();
  }

  /** Runs 2024-03-01..05 in a process that dies at the crash point, returning the run id. */
  private String runUntilCrash(Crash crash, WriteStrategy strategy, ExecutionOptions options) {
    Backfill<Row> dying = pipeline(crash.source(source), crash.destination(mart), crash.stateStore(driver.stateStore()), strategy);
    BackfillPlan plan = dying.plan(PartitionRange.of("2024-03-01", "2024-03-05"), PlanOptions.defaults().select(Selection.RESTATE));
    RunReport atCrash = driver.run(dying, plan, options);
    assertThat(crash.happened()).as("the crash happened").isTrue();
    assertThat(crash.crashedSlice()).contains("2024-03-03");
    return atCrash.runId();
  }

  private RunReport restartAndResume(String runId, WriteStrategy strategy) {
    return driver.runResume(pipeline(source, mart, driver.stateStore(), strategy), runId, ExecutionOptions.defaults());
  }

  private void assertNothingRecordedAfterTheCrash(String runId) {
    RunRecord run = driver.stateStore().run(runId).orElseThrow();
    assertThat(run.status()).as("a killed process never finishes its run").isEqualTo(RunStatus.RUNNING);
    assertThat(run.finishedAt()).isNull();
    assertThat(driver.stateStore().slices(runId)).extracting(s -> s.status())
        .containsExactly(SliceStatus.SUCCEEDED, SliceStatus.SUCCEEDED, SliceStatus.RUNNING, SliceStatus.PENDING,
            SliceStatus.PENDING);
  }

  @Test
  void crashBeforeWriteLeavesTheSliceRunningAndNothingOfItWritten() {
    String runId = runUntilCrash(Crash.at(CrashPoint.BEFORE_WRITE).onPartition("2024-03-03"),
        WriteStrategy.overwritePartition("day"), ExecutionOptions.defaults());

    assertNothingRecordedAfterTheCrash(runId);
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-01", "2024-03-02");

    assertThatRun(restartAndResume(runId, WriteStrategy.overwritePartition("day"))).succeeded()
        .hasAttempts("2024-03-03", 2).hasAttempts("2024-03-04", 1);
    assertThatDestination(mart).hasSize(10).hasUniqueKey("id");
  }

  @Test
  void crashMidWriteRollsBackTheHalfWrittenSlice() {
    String runId = runUntilCrash(Crash.at(CrashPoint.MID_WRITE).onPartition("2024-03-03"),
        WriteStrategy.overwritePartition("day"), ExecutionOptions.builder().writeBatchSize(1).build());

    assertNothingRecordedAfterTheCrash(runId);
    assertThat(mart.countBy("day")).as("the first batch of 2024-03-03 was rolled back with the dead connection")
        .containsOnlyKeys("2024-03-01", "2024-03-02");
    assertThat(mart.openWriters()).isZero();

    restartAndResume(runId, WriteStrategy.overwritePartition("day"));
    assertThatDestination(mart).hasSize(10).hasRowsWhere("day", LocalDate.parse("2024-03-03"), 2);
  }

  @Test
  void crashAfterWriteBeforeCommitLeavesNothingOfTheSlice() {
    String runId = runUntilCrash(Crash.at(CrashPoint.AFTER_WRITE_BEFORE_COMMIT).onPartition("2024-03-03"),
        WriteStrategy.overwritePartition("day"), ExecutionOptions.defaults());

    assertNothingRecordedAfterTheCrash(runId);
    assertThat(mart.countBy("day")).containsOnlyKeys("2024-03-01", "2024-03-02");

    restartAndResume(runId, WriteStrategy.overwritePartition("day"));
    assertThatDestination(mart).hasSize(10);
  }

  @Test
  void crashAfterCommitBeforeStatusRerunsTheCommittedSliceAndOverwriteKeepsItIdempotent() {
    String runId = runUntilCrash(Crash.at(CrashPoint.AFTER_COMMIT_BEFORE_STATUS).onPartition("2024-03-03"),
        WriteStrategy.overwritePartition("day"), ExecutionOptions.defaults());

    assertNothingRecordedAfterTheCrash(runId);
    assertThat(mart.countBy("day")).as("2024-03-03 committed before the process died")
        .containsOnlyKeys("2024-03-01", "2024-03-02", "2024-03-03");

    RunReport resumed = restartAndResume(runId, WriteStrategy.overwritePartition("day"));

    assertThatRun(resumed).succeeded().hasAttempts("2024-03-03", 2);
    assertThat(source.reads("2024-03-03")).as("the at-least-once store could not know 2024-03-03 committed").isEqualTo(2);
    assertThat(source.reads("2024-03-01")).isEqualTo(1);
    assertThatDestination(mart).hasSize(10).hasUniqueKey("id");
  }

  @Test
  void crashAfterCommitBeforeStatusDuplicatesAnAppendedSliceWithAnAtLeastOnceStore() {
    String runId = runUntilCrash(Crash.at(CrashPoint.AFTER_COMMIT_BEFORE_STATUS).onPartition("2024-03-03"),
        WriteStrategy.append(), ExecutionOptions.defaults());

    RunReport resumed = restartAndResume(runId, WriteStrategy.append());

    assertThatRun(resumed).succeeded();
    assertThatDestination(mart).hasSize(12).hasRowsWhere("day", LocalDate.parse("2024-03-03"), 4);
  }

  @Test
  void crashDuringAFullRebuildLeavesTheLiveTableAndResumeSwapsTheWholeRebuild() {
    mart.seed(Fixtures.row("2024-02-01", 1, "old"));
    String runId = runUntilCrash(Crash.at(CrashPoint.AFTER_WRITE_BEFORE_COMMIT).onPartition("2024-03-03"),
        WriteStrategy.fullRebuild(), ExecutionOptions.defaults());

    assertThatDestination(mart).containsExactlyInAnyOrder(Fixtures.row("2024-02-01", 1, "old"));
    assertThat(mart.shadowRows()).hasSize(4);

    assertThatRun(restartAndResume(runId, WriteStrategy.fullRebuild())).succeeded();
    assertThatDestination(mart).hasSize(10).hasNoRowsWhere("note", "old");
    assertThat(source.reads("2024-03-01")).as("the resume kept the shadow and did not re-read finished slices").isEqualTo(1);
  }

  @Test
  void everyCallAfterTheCrashFailsOrIsDropped() {
    Crash crash = Crash.at(CrashPoint.BEFORE_WRITE);
    Backfill<Row> dying = pipeline(source, crash.destination(mart), crash.stateStore(driver.stateStore()),
        WriteStrategy.overwritePartition("day"));

    RunReport report = driver.run(dying, dying.plan(PartitionRange.of("2024-03-01", "2024-03-03")),
        ExecutionOptions.builder().maxConcurrency(3).build());

    assertThat(crash.crashedSlice()).isPresent();
    assertThat(report.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(mart.size()).as("no writer opened after the crash wrote anything").isZero();
    assertThat(driver.stateStore().slices(report.runId())).noneMatch(s -> s.status() == SliceStatus.SUCCEEDED
        || s.status() == SliceStatus.FAILED);
  }
}
