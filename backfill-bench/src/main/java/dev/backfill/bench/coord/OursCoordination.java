package dev.backfill.bench.coord;

import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import dev.backfill.testkit.ForwardingDestination;
import dev.backfill.testkit.ForwardingSliceWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import javax.sql.DataSource;

/**
 * Ours: a run of {@code tasks} hourly slices whose source reads nothing, written by a
 * {@link JdbcDestination} (append, no rows) on the pool its {@link JdbcStateStore} uses, so every slice
 * commits its (empty) data and its SUCCEEDED status in one transaction: exactly-once, as a user gets it.
 * The round's first JVM plans and executes the run; the others join it with {@code Backfill.worker}.
 */
final class OursCoordination implements Contender {
  static final String TABLE = "coord_noop";
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH");

  @Override
  public String name() {
    return "ours";
  }

  @Override
  public void prepare(DataSource ds, String round, int tasks) throws Exception {
    try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
      try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), TABLE, null)) {
        if (!rs.next()) {
          st.execute("CREATE TABLE " + TABLE + " (id INT, note VARCHAR(20))");
        }
      }
    }
    JdbcStateStore.create(ds); // tables created before the clock starts
  }

  private static Backfill<Row> backfill(DataSource ds, String round, JdbcStateStore store, Window window) {
    return Backfill.builder("coord_" + round)
        .partitioning(Partitioning.hourly(ZoneOffset.UTC))
        .<Row>source((slice, context, sink) -> window.started())
        .destination(committing(JdbcDestination.table(ds, TABLE), window))
        .strategy(WriteStrategy.append())
        .stateStore(store)
        .build();
  }

  /**
   * The table, with each slice's end taken when its writer's commit returns: the slice's status and its
   * (empty) data are then committed, whichever way the store recorded them. A listener would hear of
   * the success later, on the event thread of its own, whose lag under load is not the store's.
   */
  private static DestinationNode<Row> committing(DestinationNode<Row> table, Window window) {
    return new ForwardingDestination<>(table) {
      @Override
      public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) throws Exception {
        return new ForwardingSliceWriter<>(super.open(slice, strategy, context)) {
          @Override
          public void commit() throws Exception {
            super.commit();
            window.ended();
          }
        };
      }
    };
  }

  @Override
  public void work(DataSource ds, String round, int tasks, int threads, boolean first, String worker, Window window,
      Runnable awaitStop) throws Exception {
    JdbcStateStore store = JdbcStateStore.create(ds);
    Backfill<Row> backfill = backfill(ds, round, store, window);
    ExecutionOptions options = ExecutionOptions.builder()
        .maxConcurrency(threads)
        .workerId(worker)
        .runId(round)
        .build();
    BackfillRun run;
    if (first) {
      LocalDateTime start = LocalDateTime.of(2020, 1, 1, 0, 0);
      run = backfill.execute(backfill.plan(PartitionRange.of(HOUR.format(start), HOUR.format(start.plusHours(tasks - 1)))),
          options);
    } else {
      while (store.run(round).isEmpty()) {
        Thread.sleep(5);
      }
      run = backfill.worker(round, options);
    }
    RunReport report = run.await();
    if (first && report.status() != RunStatus.SUCCEEDED && report.status() != RunStatus.RUNNING) {
      throw new IllegalStateException("run " + round + " ended " + report.status() + ": " + report.message());
    }
  }

  /**
   * Done when the run has ended: one row read by its key. Polled every 20 ms, a count of the slices that
   * succeeded would cost the server more than the slices it is measuring (a few milliseconds per 10,000
   * slices on MariaDB). A run that ends other than SUCCEEDED fails the round in its first JVM.
   */
  @Override
  public boolean done(DataSource ds, String round, int tasks) throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT status FROM backfill_runs WHERE run_id = ?")) {
      ps.setString(1, round);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && !rs.getString(1).equals(RunStatus.RUNNING.name())
            && !rs.getString(1).equals(RunStatus.FINISHING.name());
      }
    }
  }
}
