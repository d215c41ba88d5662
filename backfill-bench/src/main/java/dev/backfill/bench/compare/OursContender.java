package dev.backfill.bench.compare;

import dev.backfill.Backfill;
import dev.backfill.ExecutionOptions;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.JdbcDestination;
import dev.backfill.jdbc.JdbcSource;
import dev.backfill.jdbc.JdbcStateStore;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * Our library, wired the way the README shows: a {@link JdbcSource} streaming each day, a
 * {@link JdbcDestination} with the strategy under test (or {@code fromQuery} for pushdown), and a
 * {@link JdbcStateStore} on the same pool, so every slice's rows and its status commit together
 * (exactly-once). The plan restates the whole range each time, so every run does all the work.
 */
public final class OursContender implements Contender {

  /** Prefix of the run-history tables; their history grows by one run per repetition. */
  static final String STATE_PREFIX = "bench_bf_";

  @Override
  public String name() {
    return "ours";
  }

  @Override
  public boolean supports(Strategy strategy, Engine engine) {
    return strategy != Strategy.OVERWRITE_PARTITIONED || engine != Engine.H2;
  }

  @Override
  public boolean partitionedDestination(Strategy strategy) {
    return strategy == Strategy.OVERWRITE_PARTITIONED;
  }

  @Override
  public long run(BenchDatabase db, Strategy strategy, int concurrency) {
    DataSource ds = db.dataSource();
    String query = "SELECT " + BenchDatabase.COLUMNS + " FROM " + BenchDatabase.SOURCE + " WHERE day = :start_date";
    JdbcDestination table = JdbcDestination.table(ds, BenchDatabase.DESTINATION);
    Backfill.Builder<Object> builder = Backfill.builder(BenchDatabase.DESTINATION)
        .partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .stateStore(JdbcStateStore.builder(ds).tablePrefix(STATE_PREFIX).build());
    Backfill<?> backfill = switch (strategy) {
      case PUSHDOWN -> builder.destination(table.fromQuery(query)).strategy(WriteStrategy.append()).build();
      case APPEND -> builder.source(JdbcSource.query(ds, query)).destination(table).strategy(WriteStrategy.append()).build();
      case OVERWRITE, OVERWRITE_PARTITIONED -> builder.source(JdbcSource.query(ds, query)).destination(table)
          .strategy(WriteStrategy.overwritePartition("day")).build();
      case MERGE -> builder.source(JdbcSource.query(ds, query)).destination(table)
          .strategy(WriteStrategy.merge("id")).build();
    };
    Dataset data = db.dataset();
    var plan = backfill.plan(PartitionRange.of(data.firstDay().toString(), data.lastDay().toString()),
        PlanOptions.defaults().select(Selection.RESTATE));
    RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(concurrency).build()).await();
    if (!report.succeeded()) {
      throw new IllegalStateException("run " + report.runId() + " ended " + report.status() + ": " + report.message()
          + " " + report.slices().stream().filter(s -> s.error() != null).findFirst().map(s -> s.key() + ": " + s.error()).orElse(""));
    }
    return report.rows();
  }
}
