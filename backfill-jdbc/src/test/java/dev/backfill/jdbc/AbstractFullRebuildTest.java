package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.ExecutionOptions;
import dev.backfill.FailurePolicy;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RetryPolicy;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import dev.backfill.testkit.ForwardingDestination;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A full rebuild around its swap, on one engine: a rebuild's shadow belongs to its run, a resume
 * whose shadow is gone is refused, the live table keeps what it carried (views, triggers, grants,
 * identity columns), what blocks a swap is refused when planning, a failing swap reports the truth,
 * and readers see the old rows or the new ones, never a part. Subclasses name the engine and give the
 * engine's SQL for triggers and grants.
 *
 * <p>The table {@code t (day, id, amount, label)} holds 20 days of 3 rows.
 */
abstract class AbstractFullRebuildTest extends EngineTest {
  static final PartitionRange DAYS = PartitionRange.of("2024-01-01", "2024-01-20");
  static final PlanOptions ALL = PlanOptions.defaults().select(Selection.RESTATE);

  /** Statements creating a trigger named {@code t_audit} on {@code t}, or none where the engine needs Java. */
  abstract List<String> createTrigger();

  /** A row source labelled {@code label}: 3 rows a day; fails for good on the days in {@code failing}. */
  static SourceNode<Row> source(String label, Set<String> failing) {
    return (Slice slice, SliceContext ctx, RecordSink<? super Row> sink) -> {
      LocalDate day = (LocalDate) slice.tokens().get("start_date");
      if (failing.contains(day.toString())) {
        throw new IllegalStateException("upstream broken on " + day + " (test)");
      }
      for (int i = 0; i < 3; i++) {
        sink.accept(Row.of("day", day, "id", day.getDayOfMonth() * 10L + i, "amount", (long) day.getDayOfMonth() * 100 + i,
            "label", label));
      }
    };
  }

  void createTable(String extraColumns) {
    db.exec("CREATE TABLE t (" + db.q("day") + " DATE NOT NULL, id BIGINT NOT NULL, amount BIGINT NOT NULL,"
        + " label VARCHAR(20) NOT NULL" + extraColumns + ")",
        "INSERT INTO t (" + db.q("day") + ", id, amount, label) VALUES (DATE '2023-12-31', 1, 1, 'old'),"
            + " (DATE '2024-01-05', 2, 2, 'old')");
  }

  Backfill<Row> rebuild(SourceNode<Row> source) {
    return rebuild(source, JdbcDestination.table(db.dataSource(), "t"));
  }

  Backfill<Row> rebuild(SourceNode<Row> source, DestinationNode<Row> destination) {
    return Backfill.builder("t").partitioning(Partitioning.daily(ZoneOffset.UTC)).source(source)
        .destination(destination).strategy(WriteStrategy.fullRebuild()).stateStore(store).build();
  }

  static ExecutionOptions stopAtFirstFailure() {
    return ExecutionOptions.builder().retry(RetryPolicy.none()).failurePolicy(FailurePolicy.stopAfter(1)).build();
  }

  List<String> labelsByDay() {
    return db.lines("SELECT " + db.q("day") + ", label, COUNT(*) FROM t GROUP BY " + db.q("day") + ", label ORDER BY 1");
  }

  static List<String> expected(String label) {
    List<String> out = new ArrayList<>();
    for (int d = 1; d <= 20; d++) {
      out.add(LocalDate.of(2024, 1, d) + "|" + label + "|3");
    }
    return out;
  }

  static String shadowOf(String runId) {
    CRC32 crc = new CRC32();
    crc.update(runId.getBytes(StandardCharsets.UTF_8));
    return "t_bf_" + String.format("%08x", crc.getValue());
  }

  @Test
  void aRebuildsShadowIsItsOwnSoAnotherRebuildCannotDropItBeforeItsResume() {
    createTable("");
    RunReport first = rebuild(source("a", Set.of("2024-01-08"))).execute(rebuild(source("a", Set.of())).plan(DAYS, ALL),
        stopAtFirstFailure()).await();
    assertThat(first.status()).isEqualTo(RunStatus.FAILED);
    assertThat(first.committed()).hasSize(7);

    RunReport other = rebuild(source("b", Set.of())).execute(rebuild(source("b", Set.of())).plan(DAYS, ALL)).await();
    assertThat(other.status()).as(other.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(labelsByDay()).isEqualTo(expected("b"));

    RunReport resumed = rebuild(source("a", Set.of())).resume(first.runId()).await();

    // before, both runs shared t_bf_shadow: the other run's swap took it, and this resume swapped in a new
    // shadow holding only the 13 days it had left
    assertThat(resumed.status()).as(resumed.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(labelsByDay()).as("every day of the resumed rebuild, none missing").isEqualTo(expected("a"));
  }

  @Test
  void aResumeWhoseShadowIsGoneIsRefusedAndTheTableKeepsItsRows() {
    createTable("");
    RunReport first = rebuild(source("a", Set.of("2024-01-08"))).execute(rebuild(source("a", Set.of())).plan(DAYS, ALL),
        stopAtFirstFailure()).await();
    List<String> before = db.lines("SELECT id, label FROM t ORDER BY id");
    db.exec("DROP TABLE " + shadowOf(first.runId()));

    assertThatThrownBy(() -> rebuild(source("a", Set.of())).resume(first.runId()))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("cannot resume its full rebuild of t", "is gone", "never swapped",
            "Start a new full rebuild");
    assertThat(db.lines("SELECT id, label FROM t ORDER BY id")).as("the live table is untouched").isEqualTo(before);
    assertThat(store.run(first.runId()).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
    assertThat(store.run(first.runId()).orElseThrow().message()).contains("is gone");
  }

  @Test
  void theTableKeepsItsViewsTriggersAndIdentityAcrossTheSwap() {
    createTable(identityColumn());
    db.exec("CREATE VIEW v AS SELECT label FROM t");
    List<String> trigger = createTrigger();
    if (!trigger.isEmpty()) {
      db.exec(trigger.toArray(String[]::new));
    }
    Backfill<Row> backfill = rebuild(source("new", Set.of()));
    BackfillPlan plan = backfill.plan(DAYS, ALL);
    if (!trigger.isEmpty()) {
      assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("t_audit", "fire for every row"));
    }
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("drops 1 row(s)", "outside 2024-01-01..2024-01-20"));

    RunReport report = backfill.execute(plan).await();

    assertThat(report.status()).as(report.summary()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.count("SELECT COUNT(*) FROM v WHERE label = 'new'")).as("the view reads the rebuilt rows").isEqualTo(60);
    assertThat(db.count("SELECT COUNT(*) FROM v")).isEqualTo(60);
    if (!trigger.isEmpty()) {
      assertThat(triggerNames()).as("the live table keeps its trigger").contains("t_audit");
    }
    if (!identityColumn().isEmpty()) {
      db.exec("INSERT INTO t (" + db.q("day") + ", id, amount, label) VALUES (DATE '2024-02-01', 999, 1, 'later')");
      assertThat(db.count("SELECT COUNT(DISTINCT seq) FROM t")).as("identity values stay unique after the swap")
          .isEqualTo(61);
    }
  }

  /** An identity column the source never writes, or "" where the shadow cannot copy it. */
  String identityColumn() {
    return "";
  }

  List<String> triggerNames() {
    try (Connection c = db.dataSource().getConnection()) {
      return db.dialect().triggers(c, null, "t").stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aTableReferencedByAForeignKeyIsRefusedBeforeAnySlice() {
    createTable(", PRIMARY KEY (id)");
    db.exec("CREATE TABLE child (t_id BIGINT NOT NULL, CONSTRAINT child_t FOREIGN KEY (t_id) REFERENCES t (id))",
        "INSERT INTO child VALUES (1)");

    assertThatThrownBy(() -> rebuild(source("new", Set.of())).plan(DAYS, ALL))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("fullRebuild of t cannot swap", "foreign keys")
        .satisfies(e -> assertThat(e.getMessage().toLowerCase(java.util.Locale.ROOT)).contains("child (child_t)"));
    assertThat(store.runs("t")).isEmpty();
    assertThat(db.count("SELECT COUNT(*) FROM t")).isEqualTo(2);
  }

  @Test
  void aSwapThatFailsReportsFailedAndLeavesTheLiveTableUntouched() {
    createTable("");
    List<String> before = db.lines("SELECT id, label FROM t ORDER BY id");
    DestinationNode<Row> breaksAtTheSwap = new ForwardingDestination<>(JdbcDestination.table(db.dataSource(), "t")) {
      @Override
      public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws Exception {
        // every rebuilt row violates a constraint added while the run was going: the swap must fail as a whole
        db.exec("ALTER TABLE t ADD CONSTRAINT t_no_new CHECK (label <> 'new')");
        super.finishRun(run, outcome, commit);
      }
    };
    Backfill<Row> backfill = rebuild(source("new", Set.of()), breaksAtTheSwap);

    RunReport report = backfill.execute(backfill.plan(DAYS, ALL)).await();

    assertThat(report.status()).isEqualTo(RunStatus.FAILED);
    assertThat(report.message()).contains("finishing the destination failed", "full rebuild not swapped",
        "the live table is untouched");
    assertThat(db.lines("SELECT id, label FROM t ORDER BY id")).as("and it really is").isEqualTo(before);
    assertThat(db.count("SELECT COUNT(*) FROM backfill_swaps")).isZero();
  }

  @Test
  void readersSeeAllOldRowsOrAllNewRowsNeverAPart() throws Exception {
    createTable("");
    long oldCount = db.count("SELECT COUNT(*) FROM t");
    AtomicBoolean done = new AtomicBoolean();
    List<String> seen = new CopyOnWriteArrayList<>();
    Set<String> distinct = ConcurrentHashMap.newKeySet();
    List<Thread> readers = new ArrayList<>();
    for (int isolation : new int[] {Connection.TRANSACTION_REPEATABLE_READ, Connection.TRANSACTION_READ_COMMITTED}) {
      Thread reader = new Thread(() -> {
        try (Connection c = db.dataSource().getConnection()) {
          c.setTransactionIsolation(isolation);
          c.setAutoCommit(false);
          while (!done.get()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT label) FROM t")) {
              rs.next();
              String read = rs.getLong(1) + " rows of " + rs.getLong(2) + " label(s)";
              seen.add(read);
              distinct.add(read);
            }
            c.commit();
          }
        } catch (java.sql.SQLException e) {
          seen.add("failed: " + e.getMessage());
        }
      });
      readers.add(reader);
      reader.start();
    }
    Backfill<Row> backfill = rebuild(source("new", Set.of()));
    RunReport report = backfill.execute(backfill.plan(DAYS, ALL)).await();
    Thread.sleep(50);
    done.set(true);
    for (Thread r : readers) {
      r.join(10_000);
    }

    assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(seen).hasSizeGreaterThan(10);
    assertThat(distinct).as("every read, in REPEATABLE READ and READ COMMITTED")
        .isSubsetOf(oldCount + " rows of 1 label(s)", "60 rows of 1 label(s)");
  }
}
