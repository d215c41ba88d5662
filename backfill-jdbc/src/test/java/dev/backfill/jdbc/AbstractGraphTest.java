package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.Backfill;
import dev.backfill.BackfillGraph;
import dev.backfill.ExecutionOptions;
import dev.backfill.GraphReport;
import dev.backfill.GraphRun;
import dev.backfill.PartitionMapping;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.SliceAttempt;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graph runs on one engine: facts before the dimension rows that reference them through a real
 * foreign key, so that a dimension insert fails whenever it runs before its facts; and a second
 * "process" (its own pool and state store) joining the same graph run. Subclasses name the engine.
 */
abstract class AbstractGraphTest extends EngineTest {
  static final PartitionRange DAYS = PartitionRange.of("2024-01-01", "2024-01-06");

  @BeforeEach
  void tables() {
    String day = db.q("day");
    db.exec("CREATE TABLE events (" + day + " DATE NOT NULL, order_id INT NOT NULL, amount BIGINT NOT NULL)",
        "CREATE TABLE orders (" + day + " DATE NOT NULL, order_id INT NOT NULL PRIMARY KEY, amount BIGINT NOT NULL)",
        "CREATE TABLE order_notes (" + day + " DATE NOT NULL, order_id INT NOT NULL, note VARCHAR(20) NOT NULL,"
            + " CONSTRAINT notes_order FOREIGN KEY (order_id) REFERENCES orders (order_id))");
    for (int d = 1; d <= 6; d++) {
      for (int o = 1; o <= 3; o++) {
        db.exec("INSERT INTO events VALUES (DATE '2024-01-0" + d + "', " + (d * 10 + o) + ", " + (d * 100 + o) + ")");
      }
    }
  }

  /** A daily pushdown of the events into a table: {@code day, order_id} and one more column. */
  Backfill<?> pushdown(String table, String column, DataSource ds, JdbcStateStore state) {
    return Backfill.builder(table).partitioning(Partitioning.daily(ZoneOffset.UTC)).stateStore(state)
        .strategy(WriteStrategy.overwritePartition("day"))
        .destination(JdbcDestination.table(ds, table).fromQuery("SELECT " + db.q("day") + ", order_id, " + column
            + " FROM events WHERE " + db.q("day") + " = :start_date"))
        .build();
  }

  Backfill<?> facts(DataSource ds, JdbcStateStore state) {
    return pushdown("orders", "amount", ds, state);
  }

  Backfill<?> notes(DataSource ds, JdbcStateStore state) {
    return pushdown("order_notes", "'checked' AS note", ds, state);
  }

  BackfillGraph graph(DataSource ds, JdbcStateStore state) {
    // Added dimension first: the order comes from the edge, not from the builder.
    return BackfillGraph.builder().add(notes(ds, state)).add(facts(ds, state))
        .dependsOn("order_notes", "orders", PartitionMapping.identity()).build();
  }

  @Test
  void factsCommitBeforeTheDimensionRowsThatReferenceThem() {
    Backfill<?> notesAlone = notes(db.dataSource(), store);
    RunReport wrongOrder = notesAlone.execute(notesAlone.plan(PartitionRange.single("2024-01-01"))).await();
    assertThat(wrongOrder.status()).as("the foreign key refuses a dimension row before its fact").isEqualTo(RunStatus.FAILED);
    assertThat(wrongOrder.slices().get(0).error()).containsIgnoringCase("foreign key");

    BackfillGraph graph = graph(db.dataSource(), store);
    assertThat(graph.targets()).containsExactly("orders", "order_notes");
    GraphReport report = graph.execute(graph.plan(DAYS), ExecutionOptions.builder().maxConcurrency(4).build()).await();

    assertThat(report.succeeded()).as(report.summary()).isTrue();
    assertThat(db.count("SELECT count(*) FROM orders")).isEqualTo(18);
    assertThat(db.count("SELECT count(*) FROM order_notes")).isEqualTo(18);
  }

  @Test
  void aSecondProcessJoinsTheGraphRunAndEverySliceCommitsOnce() throws Exception {
    BackfillGraph first = graph(db.dataSource(), store);
    DataSource otherPool = db.dataSourceWith("SELECT 1");
    BackfillGraph second = graph(otherPool, JdbcStateStore.create(otherPool));

    GraphRun started = first.execute(first.plan(DAYS), ExecutionOptions.builder().maxConcurrency(1).workerId("one").build());
    GraphRun joined = second.worker(started.graphRunId(), ExecutionOptions.builder().maxConcurrency(2).workerId("two").build());
    joined.await();
    started.await();

    for (String runId : new String[] {started.graphRunId() + ".0", started.graphRunId() + ".1"}) {
      assertThat(store.run(runId).orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(store.slices(runId)).allSatisfy(s -> assertThat(s.status()).isEqualTo(SliceStatus.SUCCEEDED));
      assertThat(store.attempts(runId)).extracting(SliceAttempt::key).doesNotHaveDuplicates().hasSize(6);
    }
    assertThat(db.count("SELECT count(*) FROM order_notes")).isEqualTo(18);
  }
}
