package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.TablePartitions;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the record and the pushdown destination share: the table, its data source and dialect, the
 * validation of a strategy's columns, the shadow table of a full rebuild and opening writers.
 */
public final class TableTarget {
  private static final Logger log = LoggerFactory.getLogger(TableTarget.class);

  private final DataSource dataSource;
  private final TableName table;
  private final DialectHolder dialect;
  private final InstantColumns instantColumns;
  private final FullRebuild rebuild;
  private final JdbcDestinationLock lock;
  private final StagingTables stagingTables;

  /**
   * Creates the target.
   *
   * @param dataSource the data source
   * @param table the destination table
   * @param dialect its dialect
   */
  public TableTarget(DataSource dataSource, TableName table, DialectHolder dialect) {
    this.dataSource = dataSource;
    this.table = table;
    this.dialect = dialect;
    this.instantColumns = new InstantColumns(table);
    this.rebuild = new FullRebuild(dataSource, dialect, table);
    this.lock = new JdbcDestinationLock(dataSource, dialect, table);
    this.stagingTables = new StagingTables(table);
  }

  /**
   * Returns the data source.
   *
   * @return data source
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Returns the table.
   *
   * @return the table name
   */
  public TableName table() {
    return table;
  }

  /**
   * Returns the dialect, detecting it on first use.
   *
   * @return dialect
   */
  public Dialect dialect() {
    return dialect.get();
  }

  /**
   * Checks the column names a strategy refers to.
   *
   * @param strategy the strategy
   * @throws InvalidConfigurationException naming an unsafe column
   */
  public void validate(WriteStrategy strategy) {
    List<String> names = new ArrayList<>();
    String what = strategy.describe();
    if (strategy instanceof WriteStrategy.OverwritePartition o) {
      names.addAll(o.columns());
    } else if (strategy instanceof WriteStrategy.Merge m) {
      names.addAll(m.keys());
      names.addAll(m.deleteMissingWithin());
      m.newerByColumn().ifPresent(names::add);
    }
    for (String name : names) {
      Dialect.checkIdentifier(name, "column name in " + what);
    }
  }

  /**
   * Checks the table before any slice runs (see {@link dev.backfill.spi.DestinationNode#preflight}).
   * A table that does not exist yet is not checked here; writing it fails with the engine's message.
   *
   * @param context the backfill's strategy, partitioning and range
   * @return findings: errors refuse the plan, warnings are listed in it
   * @throws SQLException when the catalog cannot be read
   */
  public List<PreflightFinding> preflight(PreflightContext context, @Nullable PushdownQuery pushdown)
      throws SQLException {
    Dialect d = dialect.get();
    try (Connection c = dataSource.getConnection()) {
      if (!d.tableExists(c, table.schema(), table.table())) {
        return List.of(PreflightFinding.error("table " + table + " does not exist in the destination database ("
            + d.name() + "); create it first, or check the name and schema"));
      }
      List<PreflightFinding> findings = new ArrayList<>(TablePreflight.check(c, d, table, context,
          instantColumns.refresh(c, d)));
      Map<String, Integer> produced = pushdown != null ? pushdown.describe(c, d, context.sample().tokens())
          : context.sourceColumns();
      if (produced != null) {
        findings.addAll(ColumnFit.check(c, d, table, produced, pushdown != null ? "the pushdown query" : "the source"));
      }
      java.util.OptionalInt pool = PoolSize.of(dataSource);
      int needed = PoolSize.needed(context.concurrency());
      if (pool.isPresent() && pool.getAsInt() < needed) {
        findings.add(PreflightFinding.warning("the connection pool of " + table + " holds " + pool.getAsInt()
            + " connection(s), but concurrency " + context.concurrency() + " needs about " + needed + " (one per slice's"
            + " transaction, one per streaming JDBC read, the state store's and the destination lock's); slices will"
            + " wait for connections, and a wait longer than the pool's timeout fails them"));
      }
      if (context.strategy() instanceof WriteStrategy.FullRebuild) {
        findings.addAll(rebuild.preflight(c, d, context));
      }
      findings.addAll(PartitionLayout.preflight(c, d, table, context));
      return findings;
    }
  }

  /**
   * Returns the lock this table shares with the host's other writers of it.
   *
   * @return the lock
   */
  public JdbcDestinationLock lock() {
    return lock;
  }

  /**
   * Prepares a run: a full rebuild creates (or, resumed, finds) its own shadow table.
   *
   * @param run the run
   * @throws SQLException on failure
   */
  public void beginRun(RunContext run) throws SQLException {
    if (run.strategy() instanceof WriteStrategy.FullRebuild) {
      rebuild.begin(run);
    }
    dropStagingLeftovers(run.strategy());
  }

  /**
   * Ends a run: a successful full rebuild swaps its shadow in, recording the run's status in the swap's
   * transaction when the store can join it; otherwise the live table stays as it was.
   *
   * @param run the run
   * @param outcome how it ended
   * @param commit records the run's final status
   * @throws SQLException when the swap fails (the live table is then unchanged)
   */
  public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws SQLException {
    if (run.strategy() instanceof WriteStrategy.FullRebuild r) {
      rebuild.finish(run, outcome, commit, r);
    }
    dropStagingLeftovers(run.strategy());
  }

  /**
   * Opens a writer for a slice.
   *
   * @param runId the run (a full rebuild writes into the run's own shadow)
   * @param slice the slice
   * @param strategy the run's strategy
   * @param pushdown the pushdown query, or null for records
   * @param exactlyOnce whether the session records the slice's end in its transaction
   *     ({@link dev.backfill.spi.SliceContext#exactlyOnce()}): its slices then never exchange partitions, which
   *     commits apart, even when the table was partitioned after the session chose its guarantee
   * @param <T> record type
   * @return the writer
   * @throws SQLException on failure
   */
  public <T> JdbcSliceWriter<T> open(String runId, Slice slice, WriteStrategy strategy,
      @Nullable PushdownQuery pushdown, boolean exactlyOnce) throws SQLException {
    TableName target = strategy instanceof WriteStrategy.FullRebuild ? rebuild.shadowOf(runId) : table;
    return JdbcSliceWriter.open(dataSource, dialect.get(), target, strategy, slice, pushdown,
        target == table ? instantColumns : null, target == table && !exactlyOnce ? stagingTables : null, runId);
  }

  /** Before any slice of a run and at its end (no slice runs then), drops staging tables slices left behind. */
  private void dropStagingLeftovers(WriteStrategy strategy) throws SQLException {
    Dialect d = dialect.get();
    if (PartitionLayout.column(d, strategy).isPresent()) {
      stagingTables.clear();
      try (Connection c = dataSource.getConnection()) {
        SliceClearing.dropLeftovers(c, d, table);
      }
    }
  }

  /**
   * Tells whether a slice's data commits in one transaction, so that a state store on the same data
   * source can record the slice in it: not when an overwrite may exchange partitions (MariaDB), whose
   * DDL commits on its own after the slice's transaction.
   *
   * @param strategy the run's strategy
   * @return false when slices may exchange partitions of this table (or its catalog cannot be read)
   */
  public boolean commitsInOneTransaction(WriteStrategy strategy) {
    Dialect d = dialect.get();
    Optional<String> column = PartitionLayout.column(d, strategy);
    if (column.isEmpty() || d.partitionReplacement() != TablePartitions.Replacement.EXCHANGE) {
      return true;
    }
    try (Connection c = dataSource.getConnection()) {
      Optional<PartitionLayout> layout = PartitionLayout.read(c, d, table, column.get());
      return layout.isEmpty() || !layout.get().obstacles().isEmpty();
    } catch (SQLException e) {
      log.warn("reading the partitions of {} failed ({}); the run is at-least-once", table, e.toString());
      return false;
    }
  }
}
