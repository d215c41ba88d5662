package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
  public List<PreflightFinding> preflight(PreflightContext context) throws SQLException {
    Dialect d = dialect.get();
    try (Connection c = dataSource.getConnection()) {
      if (!d.tableExists(c, table.schema(), table.table())) {
        return List.of();
      }
      return TablePreflight.check(c, d, table, context, instantColumns.refresh(c, d));
    }
  }

  /**
   * Prepares a full rebuild: creates the shadow table like the live one, or keeps the shadow of a
   * resumed run.
   *
   * @param run the run
   * @throws SQLException on failure
   */
  public void beginRun(RunContext run) throws SQLException {
    if (!(run.strategy() instanceof WriteStrategy.FullRebuild)) {
      return;
    }
    Dialect d = dialect.get();
    TableName shadow = table.shadow();
    try (Connection c = dataSource.getConnection()) {
      withAutoCommit(c, () -> {
        if (!d.tableExists(c, table.schema(), table.table())) {
          throw new InvalidConfigurationException("fullRebuild of " + table + ": the table does not exist; create it"
              + " first, its shadow is created like it");
        }
        boolean exists = d.tableExists(c, shadow.schema(), shadow.table());
        try (Statement s = c.createStatement()) {
          if (exists && !run.resumed()) {
            log.info("run {}: dropping the shadow {} left by an earlier run", run.runId(), shadow);
            s.execute(d.dropTableIfExistsSql(shadow.sql(d)));
            exists = false;
          }
          if (!exists) {
            d.createShadow(c, table.schema(), table.table(), shadow.table());
            log.info("run {}: created the shadow table {} for a full rebuild of {}", run.runId(), shadow, table);
          } else {
            log.info("run {}: resuming the full rebuild of {} into its existing shadow {}", run.runId(), table, shadow);
          }
        }
      });
    }
  }

  /**
   * Ends a run: a successful full rebuild swaps the shadow in; otherwise the live table stays as it
   * was and the shadow stays for a resume.
   *
   * @param run the run
   * @param outcome how it ended
   * @throws SQLException when the swap fails (the live table is then unchanged)
   */
  public void finishRun(RunContext run, RunOutcome outcome) throws SQLException {
    if (!(run.strategy() instanceof WriteStrategy.FullRebuild rebuild)) {
      return;
    }
    if (!outcome.succeeded()) {
      log.warn("run {}: full rebuild of {} not swapped ({}); the live table is untouched and the shadow {} is kept"
          + " for a resume", run.runId(), table, outcome.reason(), table.shadow());
      return;
    }
    Dialect d = dialect.get();
    try (Connection c = dataSource.getConnection()) {
      withAutoCommit(c, () -> d.swap(c, table.schema(), table.table(), table.shadow().table(),
          table.previous().table(), rebuild.keepPrevious()));
    }
    log.info("run {}: full rebuild swapped into {}{}", run.runId(), table,
        rebuild.keepPrevious() ? "; the previous table is kept as " + table.previous() : "");
  }

  /**
   * Opens a writer for a slice.
   *
   * @param slice the slice
   * @param strategy the run's strategy
   * @param pushdown the pushdown query, or null for records
   * @param <T> record type
   * @return the writer
   * @throws SQLException on failure
   */
  public <T> JdbcSliceWriter<T> open(Slice slice, WriteStrategy strategy, @Nullable PushdownQuery pushdown)
      throws SQLException {
    TableName target = strategy instanceof WriteStrategy.FullRebuild ? table.shadow() : table;
    return JdbcSliceWriter.open(dataSource, dialect.get(), target, strategy, slice, pushdown,
        target == table ? instantColumns : null);
  }

  @FunctionalInterface
  private interface SqlAction {
    void run() throws SQLException;
  }

  private static void withAutoCommit(Connection c, SqlAction action) throws SQLException {
    boolean auto = c.getAutoCommit();
    if (!auto) {
      c.setAutoCommit(true);
    }
    try {
      action.run();
    } finally {
      if (!auto) {
        c.setAutoCommit(false);
      }
    }
  }
}
