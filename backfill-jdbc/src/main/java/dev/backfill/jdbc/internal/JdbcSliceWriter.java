package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.SliceStats;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.SliceTable;
import dev.backfill.jdbc.dialect.BulkInsert;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.SliceCancelledException;
import dev.backfill.spi.SliceStatsCollector;
import dev.backfill.spi.SliceWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one slice in one transaction on its own connection: deletes the slice's span first for
 * overwrite (and merge deleting missing keys), then inserts or upserts batches, or runs the pushdown
 * {@code INSERT ... SELECT}; a full rebuild writes into the shadow table.
 *
 * <p>Thread safety: the worker thread drives it; {@link #abort()} may come from another thread. The
 * worker's operations hold a lock; an abort cancels the running statement, and whichever thread holds
 * or next takes the lock rolls back and closes the connection. After {@link #commit()} an abort does
 * nothing.
 *
 * @param <T> record type: {@link Row} for record writers, unused by pushdown writers
 */
public final class JdbcSliceWriter<T> implements SliceWriter<T> {
  private static final Logger log = LoggerFactory.getLogger(JdbcSliceWriter.class);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final Connection connection;
  private final boolean initialAutoCommit;
  private final int initialIsolation;
  private final TableName table;
  /** Where rows go: the table, or the staging table of a partition exchange. */
  private String tableSql;
  private @Nullable SliceClearing clearing;
  private @Nullable StagedMerge staged;
  private @Nullable MultiRowWriter multiRow;
  private boolean multiRowAsked;
  private final WriteStrategy strategy;
  private final Slice slice;
  private final @Nullable PushdownQuery pushdown;
  private final @Nullable InstantColumns instantColumns;
  private final StatementTracker tracker;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean aborted = new AtomicBoolean();
  private final SliceStatsCollector collector = new SliceStatsCollector();
  private @Nullable SliceStats pushdownStats;
  private @Nullable PreparedStatement insert;
  private @Nullable List<String> columns;
  private @Nullable String insertText;
  private @Nullable BulkInsert bulk;
  private boolean bulkAsked;
  private boolean committed;
  private boolean closed;
  /**
   * Whether the transaction has begun ({@link Dialect#beginWrite}): a writer on a connection in
   * auto-commit begins before its first statement, so that a slice that writes nothing sends nothing
   * and its end may commit alone ({@link UnstartedWrite}).
   */
  private boolean begun;
  /** Whether the slice's end ran alone on the unstarted connection: nothing more may be sent. */
  private boolean endedAlone;

  private JdbcSliceWriter(DataSource dataSource, Dialect dialect, Connection connection, TableName table,
      WriteStrategy strategy, Slice slice, @Nullable PushdownQuery pushdown, @Nullable InstantColumns instantColumns)
      throws SQLException {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.connection = connection;
    this.initialAutoCommit = connection.getAutoCommit();
    // reading the isolation level is a round trip on PostgreSQL: only where beginWrite changes it
    this.initialIsolation = dialect.beginWriteChangesIsolation() ? connection.getTransactionIsolation() : -1;
    this.table = table;
    this.tableSql = table.sql(dialect);
    this.strategy = strategy;
    this.slice = slice;
    this.pushdown = pushdown;
    this.instantColumns = instantColumns;
    this.tracker = new StatementTracker("slice " + slice.key() + " of " + table);
  }

  /**
   * Opens a writer: takes a connection, starts its transaction and, for overwrite (or merge deleting
   * missing keys), clears the slice's span (see {@link SliceClearing}: a delete, or whole partitions replaced).
   *
   * @param dataSource the destination's data source
   * @param dialect its engine
   * @param table the table to write (the shadow for a full rebuild)
   * @param strategy the run's strategy
   * @param slice the slice
   * @param pushdown the query of a pushdown destination, or null for a record writer
   * @param instantColumns which columns of the table hold instants, or null when none is deleted by
   *     time
   * @param stagingTables the table's staging tables for partition exchanges, or null when its slices may not
   *     exchange partitions (a shadow table, or an exactly-once session)
   * @param runId the slice's run
   * @param <T> record type
   * @return the open writer
   * @throws SQLException when the connection or the delete fails (nothing is left open)
   */
  static <T> JdbcSliceWriter<T> open(DataSource dataSource, Dialect dialect, TableName table,
      WriteStrategy strategy, Slice slice, @Nullable PushdownQuery pushdown, @Nullable InstantColumns instantColumns,
      @Nullable StagingTables stagingTables, String runId) throws SQLException {
    Connection c = dataSource.getConnection();
    JdbcSliceWriter<T> writer;
    try {
      writer = new JdbcSliceWriter<>(dataSource, dialect, c, table, strategy, slice, pushdown, instantColumns);
      if (!writer.initialAutoCommit) {
        writer.begin(); // no round trip to save: the driver begins with the first statement anyway
      }
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    try {
      writer.guarded(SliceClearing.sendsAnything(strategy), () -> {
        SliceClearing cleared = SliceClearing.clear(c, dialect, table, strategy, slice, instantColumns,
            stagingTables, runId, writer.tracker);
        writer.clearing = cleared;
        writer.tableSql = cleared.writeTable().sql(dialect);
      });
    } catch (SQLException | RuntimeException e) {
      // the caller never gets this writer, so nobody else would give its connection back
      writer.abort();
      throw e;
    }
    return writer;
  }

  @Override
  public void write(List<? extends T> batch) throws SQLException {
    if (pushdown != null) {
      throw new UnsupportedOperationException("a pushdown writer moves rows with transfer(), not write()");
    }
    if (batch.isEmpty()) {
      return;
    }
    guarded(() -> {
      List<String> cols = columns;
      if (cols == null) {
        cols = WriteSql.asRow(batch.get(0)).columns();
        // validates the columns (and merge keys) before anything is sent
        insertText = WriteSql.of(dialect, tableSql, table, strategy, cols, null);
        columns = cols;
        staged = StagedMerge.open(connection, dialect, tableSql, strategy, cols, batch.size(), tracker);
        if (staged != null) {
          insertText = dialect.insertSql(staged.stageSql(), cols);
        }
      }
      List<Row> rows = new ArrayList<>(batch.size());
      for (T record : batch) {
        Row row = WriteSql.asRow(record);
        if (row.columns() != cols && !row.columns().equals(cols)) {
          throw new InvalidConfigurationException("a row of slice " + slice.key() + " for " + table + " has columns "
              + row.columns() + " but the slice's first row had " + cols + "; every row must have the same columns");
        }
        rows.add(row);
      }
      if (staged != null) {
        staged.beforeAdding(rows.size());
      }
      BulkInsert fast = bulk(cols);
      MultiRowWriter multi;
      if (fast != null && fast.accepts(rows)) {
        tracker.ensureNotCancelled();
        fast.write(rows);
      } else if (rows.size() > 1 && (multi = multiRow(cols)) != null) {
        finishLoad();
        multi.write(rows);
      } else {
        finishLoad();
        PreparedStatement ps = insert;
        if (ps == null) {
          ps = connection.prepareStatement(insertText);
          insert = ps;
        }
        for (Row row : rows) {
          for (int i = 0; i < row.size(); i++) {
            dialect.bind(ps, i + 1, row.get(i));
          }
          ps.addBatch();
        }
        tracker.batch(ps);
      }
      collector.addAll(batch);
    });
  }

  /**
   * Ends an open bulk load so the connection can run other statements, and upserts what a staged merge
   * holds. Called under the lock.
   */
  private void endBulk() throws SQLException {
    finishLoad();
    if (staged != null) {
      staged.merge();
    }
  }

  private void finishLoad() throws SQLException {
    BulkInsert b = bulk;
    if (b != null) {
      long loaded = b.finish();
      if (loaded > 0) {
        log.debug("slice {}: bulk load into {} inserted {} rows", slice.key(), table, loaded);
      }
    }
  }

  /** The dialect's bulk path for plain inserts or a staged merge, asked once per slice; else merge upserts. */
  private @Nullable BulkInsert bulk(List<String> cols) throws SQLException {
    if (!bulkAsked) {
      bulkAsked = true;
      bulk = staged != null ? dialect.bulkInsert(connection, staged.stageSql(), cols).orElse(null)
          : strategy instanceof WriteStrategy.Merge ? null : dialect.bulkInsert(connection, tableSql, cols).orElse(null);
    }
    return bulk;
  }

  /**
   * The engine's multi-row statements for a merge's upserts, asked once per slice; null to send batches
   * (and for a staged merge, which loads its stage in bulk). Plain inserts stay batches: on MariaDB a
   * batch (sent in bulk by Connector/J) inserted 25,000 rows in 77 ms, multi-row statements in 99 ms,
   * while a batch of upserts took 574 ms and multi-row upserts 101 ms.
   */
  private @Nullable MultiRowWriter multiRow(List<String> cols) throws SQLException {
    if (!multiRowAsked) {
      multiRowAsked = true;
      multiRow = staged != null || !(strategy instanceof WriteStrategy.Merge) ? null
          : MultiRowWriter.open(connection, dialect, tableSql, table, strategy, cols, tracker);
    }
    return multiRow;
  }

  @Override
  public void transfer() throws SQLException {
    PushdownQuery q = pushdown;
    if (q == null) {
      throw new UnsupportedOperationException("a record writer receives rows with write(), not transfer()");
    }
    guarded(() -> {
      List<String> cols = q.columns(connection, dialect, slice.tokens());
      NamedSql sql = q.query().forDialect(dialect);
      // A plain insert into NOT NULL columns inserts no null and its update count is the row count;
      // otherwise (nullable columns, or an upsert whose update count counts updates differently per
      // engine) measure before inserting, in the same transaction, so the figures describe what moves.
      boolean counted = !(strategy instanceof WriteStrategy.Merge) && q.allNotNull(connection, dialect, tableSql, cols);
      if (!counted) {
        pushdownStats = q.stats(connection, dialect, slice.tokens(), cols, tracker);
      }
      try (PreparedStatement ps = connection.prepareStatement(WriteSql.of(dialect, tableSql, table, strategy, cols,
          sql.jdbc()))) {
        sql.bind(ps, 0, dialect, slice.tokens());
        long moved = tracker.update(ps);
        log.debug("slice {}: INSERT ... SELECT into {} moved {} rows", slice.key(), table, moved);
        if (counted) {
          Map<String, Long> nulls = new HashMap<>();
          cols.forEach(col -> nulls.put(col, 0L));
          pushdownStats = new SliceStats(moved, nulls, Map.of());
        }
      }
    });
  }

  /** Ends an open bulk load first, so its errors come before the checks. */
  @Override
  public SliceStats stats() throws SQLException {
    SliceStats s = pushdownStats;
    if (s == null) {
      guarded(false, this::endBulk); // a bulk load or a staged merge is open only once begun
      s = collector.stats();
    }
    Map<String, Double> metrics = new HashMap<>(s.metrics());
    if (clearing != null && clearing.replaced() > 0) {
      metrics.put(PartitionLayout.METRIC, (double) clearing.replaced());
    }
    if (staged != null && staged.merged() > 0) {
      metrics.put(StagedMerge.METRIC, (double) staged.merged());
      metrics.put(StagedMerge.ROUNDS_METRIC, (double) staged.mostRounds());
    }
    if (multiRow != null) {
      multiRow.report(metrics);
    }
    return metrics.equals(s.metrics()) ? s : new SliceStats(s.rows(), s.nulls(), metrics);
  }

  @Override
  public void commit() throws SQLException {
    lock.lock();
    try {
      if (aborted.get()) {
        throw new SliceCancelledException("slice " + slice.key() + " of " + table + " was aborted before its commit");
      }
      if (committed) {
        return;
      }
      endBulk();
      if (begun) {
        dialect.commitWrite(connection, initialAutoCommit);
      }
      committed = true;
      if (clearing != null) {
        clearing.afterCommit();
      }
    } finally {
      try {
        close(!committed);
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void abort() {
    if (!aborted.compareAndSet(false, true)) {
      return;
    }
    tracker.cancel();
    // If the worker holds the lock it is inside a statement (now cancelled) and rolls back when it
    // leaves; otherwise roll back here.
    if (lock.tryLock()) {
      try {
        if (!committed) {
          close(true);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public <R> Optional<R> resource(Class<R> type) {
    if (type == Connection.class) {
      if (closed) {
        return Optional.empty();
      }
      try {
        guarded(this::endBulk); // a check's query cannot run while a COPY is open
      } catch (SQLException e) {
        throw new IllegalStateException("ending the bulk load of slice " + slice.key() + " into " + table + " failed: "
            + e.getMessage(), e);
      }
      return Optional.of(type.cast(connection));
    }
    if (type == UnstartedWrite.class) {
      return begun || closed || endedAlone ? Optional.empty() : Optional.of(type.cast((UnstartedWrite) this::endAlone));
    }
    if (type == DataSource.class) {
      return Optional.of(type.cast(dataSource));
    }
    if (type == SliceTable.class) {
      TableName written = clearing == null ? table : clearing.writeTable();
      return Optional.of(type.cast(new SliceTable(written.toString(), tableSql)));
    }
    return Optional.empty();
  }

  @FunctionalInterface
  private interface SqlAction {
    void run() throws SQLException;
  }

  /** {@link UnstartedWrite#endAlone}: under the lock, so that an abort waits for the end. */
  private boolean endAlone(java.util.function.Consumer<Connection> end) {
    lock.lock();
    try {
      if (begun || closed || endedAlone || aborted.get()) {
        return false;
      }
      endedAlone = true; // whatever the end did, this transaction may not send anything any more
      end.accept(connection);
      return true;
    } finally {
      unlock();
    }
  }

  /** Begins the transaction, once. Called under the lock or before the writer is handed out. */
  private void begin() throws SQLException {
    if (!begun) {
      dialect.beginWrite(connection);
      begun = true;
    }
  }

  /** Runs a worker operation that may send statements under the lock. */
  private void guarded(SqlAction action) throws SQLException {
    guarded(true, action);
  }

  /**
   * Runs a worker operation under the lock, after beginning the transaction when it {@code sends}
   * statements; an abort seen at the end rolls back and closes.
   */
  private void guarded(boolean sends, SqlAction action) throws SQLException {
    lock.lock();
    try {
      if (aborted.get() || closed) {
        throw new SliceCancelledException("slice " + slice.key() + " of " + table + " was aborted");
      }
      if (sends) {
        if (endedAlone) {
          throw new IllegalStateException("slice " + slice.key() + " of " + table + " has recorded its end;"
              + " nothing more may be written in it");
        }
        begin();
      }
      action.run();
    } catch (SQLException | RuntimeException e) {
      if (aborted.get() && !(e instanceof SliceCancelledException)) {
        SliceCancelledException cancelled = new SliceCancelledException("slice " + slice.key() + " of " + table
            + " was aborted: " + e.getMessage());
        cancelled.initCause(e);
        throw cancelled;
      }
      throw e;
    } finally {
      unlock();
    }
  }

  /** Leaves the lock, after rolling back and closing when an abort came meanwhile. */
  private void unlock() {
    try {
      if (aborted.get()) {
        close(true);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends the transaction and returns the connection as it was handed out. Called under the lock. */
  private void close(boolean rollback) {
    if (closed) {
      return;
    }
    closed = true;
    if (rollback && bulk != null) {
      bulk.cancel();
    }
    try {
      if (insert != null) {
        insert.close();
      }
      if (multiRow != null) {
        multiRow.close();
      }
    } catch (SQLException e) {
      log.debug("closing the insert of slice {} failed: {}", slice.key(), Redaction.describe(e));
    }
    boolean clean = true;
    if (rollback && begun) {
      try {
        connection.rollback();
      } catch (SQLException e) {
        clean = false;
        log.warn("rollback of slice {} on {} failed (the connection is closed without commit): {}", slice.key(), table,
            Redaction.describe(e));
      }
      if (clean && clearing != null) {
        clearing.afterRollback();
      }
    }
    try {
      if (clean) {
        // Restore what the pool handed out; never switch auto-commit on while a transaction is open.
        if (initialIsolation != -1 && connection.getTransactionIsolation() != initialIsolation) {
          connection.setTransactionIsolation(initialIsolation);
        }
        if (connection.getAutoCommit() != initialAutoCommit) {
          connection.setAutoCommit(initialAutoCommit);
        }
      }
    } catch (SQLException e) {
      log.debug("restoring the connection of slice {} failed: {}", slice.key(), Redaction.describe(e));
    } finally {
      try {
        connection.close();
      } catch (SQLException e) {
        log.debug("closing the connection of slice {} failed: {}", slice.key(), Redaction.describe(e));
      }
    }
  }
}
