package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
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
import dev.backfill.spi.SourceNode;
import dev.backfill.BackfillRun;
import dev.backfill.event.BackfillEvent;
import java.time.LocalDate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host pool of two connections shared by the destination and the state store, as users wire them,
 * with a run at concurrency 4 (issue 13, item 8): the plan warns that the pool is smaller than the run
 * needs, naming both sizes; the run still succeeds, its workers waiting for connections; and a slice
 * that cannot get a connection within the pool's own timeout fails with a message naming the pool
 * size the run needs. Subclasses name the engine.
 */
abstract class AbstractSmallPoolTest extends EngineTest {
  static final PartitionRange TWENTY_DAYS = PartitionRange.of("2024-01-01", "2024-01-20");

  @BeforeEach
  void createTable() {
    db.exec("CREATE TABLE daily (" + db.q("day") + " DATE NOT NULL, id INT NOT NULL)");
  }

  /** Three rows a day. */
  static final SourceNode<Row> THREE_A_DAY = (slice, ctx, sink) -> {
    LocalDate day = (LocalDate) slice.tokens().get("start_date");
    for (int i = 0; i < 3; i++) {
      sink.accept(Row.of("day", day, "id", day.getDayOfMonth() * 10 + i));
    }
  };

  Backfill<Row> backfill(HikariDataSource pool, SourceNode<Row> source) {
    return Backfill.builder("daily").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(source)
        .destination(JdbcDestination.table(pool, "daily"))
        .strategy(WriteStrategy.overwritePartition("day"))
        .stateStore(JdbcStateStore.create(pool))
        .build();
  }

  @Test
  void thePlanWarnsThatThePoolIsSmallerThanTheConcurrencyNeedsAndTheRunSucceedsWaitingForConnections() {
    HikariDataSource pool = db.newPool(2, 30_000);
    Backfill<Row> backfill = backfill(pool, THREE_A_DAY);

    BackfillPlan plan = backfill.plan(TWENTY_DAYS, PlanOptions.defaults().select(Selection.RESTATE).concurrency(4));
    assertThat(plan.warnings()).singleElement().asString()
        .contains("connection pool of daily holds 2 connection(s), but concurrency 4 needs about 10");
    assertThat(plan.describe()).contains("connection pool");

    RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();

    assertThat(report.status()).as(report.message()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(report.count(SliceStatus.SUCCEEDED)).isEqualTo(20);
    assertThat(db.count("SELECT count(*) FROM daily")).isEqualTo(60);
  }

  @Test
  void aPlanAtAConcurrencyThePoolCanServeHasNoPoolWarning() {
    HikariDataSource pool = db.newPool(4, 30_000);
    BackfillPlan plan = backfill(pool, THREE_A_DAY).plan(TWENTY_DAYS,
        PlanOptions.defaults().select(Selection.RESTATE).concurrency(1));
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void workersThatWaitLongerThanThePoolsTimeoutStopTheRunNamingThePoolSizeItNeeds() throws Exception {
    HikariDataSource pool = db.newPool(2, 1000);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    // the destination lock holds one connection for the run; the first slice to read, its writer holding
    // the other, reads until the run stops: the other workers wait for a connection in vain. Which slice
    // starts first is up to the workers (a thread may run slices it claimed ahead before 2024-01-01),
    // so it is the first to read, not a fixed day, that holds on.
    AtomicBoolean first = new AtomicBoolean(true);
    SourceNode<Row> slowFirst = (slice, ctx, sink) -> {
      if (first.compareAndSet(true, false)) {
        reading.countDown();
        assertThat(stopped.await(60, TimeUnit.SECONDS)).as("the run stops while the pool is exhausted").isTrue();
      }
      THREE_A_DAY.read(slice, ctx, sink);
    };
    Backfill<Row> backfill = backfill(pool, slowFirst);
    BackfillPlan plan = backfill.plan(TWENTY_DAYS, PlanOptions.defaults().select(Selection.RESTATE).concurrency(4));

    BackfillRun run = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(4)
        .listener(e -> {
          if (e instanceof BackfillEvent.RunStopping) {
            stopped.countDown();
          }
        }).build());
    assertThat(reading.await(60, TimeUnit.SECONDS)).isTrue();
    RunReport report = run.await();

    assertThat(report.status()).as(report.message()).isEqualTo(RunStatus.FAILED);
    assertThat(report.message()).contains("Connection is not available")
        .contains("no pooled connection was free in time: at concurrency 4 the pool needs about 10 connections");
    assertThat(report.count(SliceStatus.SKIPPED)).as(report.message()).isPositive();
  }
}
