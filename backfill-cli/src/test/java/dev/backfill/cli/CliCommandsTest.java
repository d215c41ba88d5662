package dev.backfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.Guarantee;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.jdbc.TestDatabase;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each {@code backfill} command prints and does, over a JDBC state store on H2. */
class CliCommandsTest {
  TestDatabase db;
  RunReport report;

  @BeforeEach
  void runABackfillWithOneFailedDay() {
    db = TestDatabase.open(TestDatabase.Engine.H2);
    Backfill<Row> backfill = CliFixture.backfill(db, 0, "2024-01-02");
    report = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-01-03"))).await();
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void runsAndShowListTheRunItsStateAndEverySliceWithItsError() {
    CliFixture.Result runs = CliFixture.run(db, "runs");
    assertThat(runs.status()).isZero();
    assertThat(runs.out()).contains("RUN", report.runId(), "daily", "FAILED", "3/3");

    CliFixture.Result show = CliFixture.run(db, "show", report.runId());
    assertThat(show.status()).isZero();
    assertThat(show.out()).contains("run " + report.runId() + " of daily: FAILED", "2024-01-01", "SUCCEEDED",
        "upstream has no data for 2024-01-02", "progress: 3/3 slices");
    assertThat(CliFixture.run(db, "show", report.runId(), "--json").out()).contains("\"runId\" : \"" + report.runId());
    assertThat(CliFixture.run(db, "runs", "--status", "SUCCEEDED").out()).contains("(no runs)");
  }

  @Test
  void logsPrintsTheSlicesCapturedLinesAndReportWritesTheHtmlFile(@TempDir Path dir) throws Exception {
    CliFixture.Result logs = CliFixture.run(db, "logs", report.runId(), "2024-01-02");
    assertThat(logs.out()).contains("--- attempt 1 (FAILED", "reading 2024-01-02 for the CLI test")
        .doesNotContain("2024-01-03");

    Path html = dir.resolve("report.html");
    CliFixture.Result written = CliFixture.run(db, "report", report.runId(), "--html", html.toString());
    assertThat(written.out()).contains("wrote " + html.toAbsolutePath());
    assertThat(Files.readString(html)).contains("<!DOCTYPE html>", report.runId(), "upstream has no data for 2024-01-02");
  }

  @Test
  void badInputIsRefusedWithAMessageAndAStatus() {
    CliFixture.Result unknown = CliFixture.run(db, "show", "no-such-run");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).contains("unknown run id 'no-such-run'");
    CliFixture.Result noSlice = CliFixture.run(db, "logs", report.runId(), "2030-01-01");
    assertThat(noSlice.err()).contains("has no slice covering '2030-01-01'");
    CliFixture.Result usage = CliFixture.run(db, "cancel");
    assertThat(usage.status()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required parameter: 'RUN'");
    CliFixture.Result ended = CliFixture.run(db, "cancel", report.runId());
    assertThat(ended.err()).contains("is FAILED; only a RUNNING run can be cancelled");
  }

  @Test
  void markFailedRefusesALiveRunAndMarksAStalledOne() throws Exception {
    JdbcStateStore store = JdbcStateStore.create(db.dataSource());
    store.createRun(new RunRecord("r-dead", "daily", RunStatus.RUNNING, "", Guarantee.AT_LEAST_ONCE, "{}", 1,
        Instant.parse("2024-06-01T00:00:00Z"), null, ""), List.of(SliceRecord.pending("r-dead", 0, "2024-01-01",
        List.of("2024-01-01"))));
    store.heartbeat("r-dead", "w", Duration.ofMillis(300));
    assertThat(CliFixture.run(db, "mark-failed", "r-dead").err()).contains("a worker is alive; cancel it instead");
    Instant alive = store.aliveUntil("r-dead").orElseThrow();
    while (!store.now().isAfter(alive)) {
      Thread.sleep(20);
    }

    assertThat(CliFixture.run(db, "runs").out()).contains("r-dead", "STALLED");
    CliFixture.Result marked = CliFixture.run(db, "mark-failed", "r-dead");
    assertThat(marked.status()).isZero();
    assertThat(marked.out()).contains("run r-dead is FAILED: marked failed by", "(backfill cli): stalled since");
  }
}
