package dev.backfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.RunHistory;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.jdbc.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code backfill cancel}, run as a process of its own, stops a run working in this (another) JVM:
 * the request goes through the state store, the run's workers see it at their next heartbeat or
 * claim, running slices finish, no new one starts, and the run ends CANCELLED with exactly the
 * committed slices' rows in the destination. Subclasses name the engine.
 */
abstract class AbstractCliCancelTest {
  TestDatabase db;

  abstract TestDatabase.Engine engine();

  @BeforeEach
  void open() {
    db = TestDatabase.open(engine());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aCancelFromTheCommandLineStopsARunWorkingInAnotherJvm() throws Exception {
    Backfill<Row> backfill = CliFixture.backfill(db, 150, "none");
    BackfillRun run = backfill.execute(backfill.plan(PartitionRange.of("2024-01-01", "2024-02-29")),
        ExecutionOptions.builder().maxConcurrency(2).build());
    RunHistory history = backfill.history();
    while (history.summary(run.runId()).orElseThrow().count(SliceStatus.SUCCEEDED) < 2) {
      Thread.sleep(20);
    }

    Process cli = cliProcess("cancel", run.runId());
    String printed = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).as(printed).isZero();
    assertThat(printed).contains("cancel (GRACEFUL) requested for run " + run.runId());

    RunReport report = run.await(Duration.ofSeconds(60));
    assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
    int committed = report.count(SliceStatus.SUCCEEDED);
    assertThat(committed).isBetween(2, 59);
    assertThat(report.count(SliceStatus.RUNNING)).isZero();
    assertThat(db.count("SELECT COUNT(*) FROM daily")).isEqualTo(committed);
    assertThat(history.run(run.runId()).cancelRequest()).satisfies(r -> {
      assertThat(r.mode()).isEqualTo(dev.backfill.CancelMode.GRACEFUL);
      assertThat(r.requestedBy()).endsWith("(backfill cli)");
    });
    assertThat(CliFixture.run(db, "runs").out()).contains(run.runId()).contains("CANCELLED");
  }

  /** {@code java -cp <this test's classpath> dev.backfill.cli.BackfillCli ARGS --url ... --user ...}. */
  private Process cliProcess(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), BackfillCli.class.getName()));
    command.addAll(List.of(args));
    command.addAll(CliFixture.store(db));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("BACKFILL_TEST_NO_PASSWORD");
    return pb.start();
  }
}
