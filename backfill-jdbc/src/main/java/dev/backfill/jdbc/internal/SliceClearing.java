package dev.backfill.jdbc.internal;

import dev.backfill.Slice;
import dev.backfill.TimeWindow;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.TablePartitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears a slice's span before its rows are written: for an overwrite (and a merge deleting missing
 * keys) a {@code DELETE} of the span in the slice's transaction, or, when the span is exactly whole
 * native partitions of the table, their replacement: {@code TRUNCATE} of the partitions in the same
 * transaction (PostgreSQL), or a staging table that the slice fills and that is exchanged with the
 * partition after the slice's commit (MariaDB, see {@link #afterCommit()}); staging tables are kept
 * for the run's next slices ({@link StagingTables}).
 */
final class SliceClearing {
  private static final Logger log = LoggerFactory.getLogger(SliceClearing.class);
  private final Connection connection;
  private final Dialect dialect;
  private final TableName table;
  private final Slice slice;
  private final @Nullable StagingTables stagingTables;
  private final String runId;
  private int replaced;
  private @Nullable TableName staging;
  private @Nullable String exchanged;

  private SliceClearing(Connection connection, Dialect dialect, TableName table, Slice slice,
      @Nullable StagingTables stagingTables, String runId) {
    this.connection = connection;
    this.dialect = dialect;
    this.table = table;
    this.slice = slice;
    this.stagingTables = stagingTables;
    this.runId = runId;
  }

  /**
   * Clears the slice's span in its open transaction.
   *
   * @param instantColumns the table's instant columns, or null when the table is a shadow
   * @param stagingTables the table's staging tables for partition exchanges, or null when the slice may not
   *     exchange partitions: a shadow table, or an exactly-once session, whose store records the slice's end in
   *     the slice's transaction, which an exchange would commit before the data is in place
   * @param runId the slice's run
   */
  static SliceClearing clear(Connection connection, Dialect dialect, TableName table, WriteStrategy strategy,
      Slice slice, @Nullable InstantColumns instantColumns, @Nullable StagingTables stagingTables, String runId,
      StatementTracker tracker) throws SQLException {
    SliceClearing clearing = new SliceClearing(connection, dialect, table, slice, stagingTables, runId);
    List<String> spanColumns = spanColumns(strategy);
    if (spanColumns.isEmpty()) {
      return clearing;
    }
    // Merge deleting missing keys = delete the span, then upsert: rows of the span that the slice no
    // longer produces are gone, the others come back with the slice's values, rows elsewhere merge.
    Map<String, Slice.Span> spans = new LinkedHashMap<>();
    Map<String, TimeWindow> windows = new LinkedHashMap<>();
    for (String c : spanColumns) {
      Slice.Span span = spans.computeIfAbsent(c, slice::span);
      boolean timeDimension = span.first() instanceof LocalDate || span.first() instanceof LocalDateTime;
      if (timeDimension && slice.window().isPresent() && instantColumns != null
          && instantColumns.get(connection, dialect).contains(c.toLowerCase(Locale.ROOT))) {
        // An instant column holds the slice's exact window: the two hours repeated in autumn, one
        // local value, are two windows there.
        windows.put(c, slice.window().get());
      }
    }
    Optional<String> column = PartitionLayout.column(dialect, strategy);
    if (instantColumns != null && column.isPresent() && windows.isEmpty()
        && clearing.replace(column.get(), spans.get(column.get()), tracker)) {
      return clearing;
    }
    Dialect.Sql delete = dialect.deleteSpan(table.sql(dialect), spans, windows);
    try (PreparedStatement ps = connection.prepareStatement(delete.text())) {
      for (int i = 0; i < delete.params().size(); i++) {
        dialect.bind(ps, i + 1, delete.params().get(i));
      }
      long deleted = tracker.update(ps);
      log.debug("slice {}: deleted {} rows of {} before writing", slice.key(), deleted, table);
    }
    return clearing;
  }

  /**
   * Tells whether clearing a slice sends anything: only an overwrite, or a merge deleting missing keys.
   *
   * @param strategy the run's strategy
   * @return whether {@link #clear} sends statements
   */
  static boolean sendsAnything(WriteStrategy strategy) {
    return !spanColumns(strategy).isEmpty();
  }

  /** The columns whose span a slice clears before writing: none for append and a plain merge. */
  private static List<String> spanColumns(WriteStrategy strategy) {
    return strategy instanceof WriteStrategy.OverwritePartition o ? o.columns()
        : strategy instanceof WriteStrategy.Merge m ? m.deleteMissingWithin()
        : List.of();
  }

  /** Replaces the span's partitions when it is exactly whole ones; false when the span is to be deleted. */
  private boolean replace(String column, Slice.Span span, StatementTracker tracker) throws SQLException {
    StagingTables tables = stagingTables;
    if (tables == null && dialect.partitionReplacement() == TablePartitions.Replacement.EXCHANGE) {
      // An exactly-once session records the slice's status in its transaction, and an exchange would commit
      // after it: a crash in between would leave the slice SUCCEEDED over the partition's old rows. So such a
      // session never exchanges, even for a table partitioned since it began, and need not read the catalog.
      return false;
    }
    Optional<PartitionLayout> layout = PartitionLayout.read(connection, dialect, table, column);
    if (layout.isEmpty()) {
      return false;
    }
    PartitionLayout.Verdict verdict = layout.get().judge(slice.key().toString(), span);
    if (!verdict.replaces()) {
      log.debug("slice {}: deleting row by row in {}: {}", slice.key(), table, verdict.reason());
      return false;
    }
    List<TablePartitions.Part> parts = verdict.replace();
    if (layout.get().replacement() == TablePartitions.Replacement.TRUNCATE) {
      String sql = dialect.truncatePartitionsSql(table.sql(dialect), parts.stream().map(TablePartitions.Part::sql).toList());
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        tracker.update(ps);
      }
      log.debug("slice {}: truncated partition(s) {} of {}", slice.key(), parts.stream().map(TablePartitions.Part::name)
          .toList(), table);
    } else {
      // DDL commits on its own; the slice's transaction has written nothing yet
      TableName s = Objects.requireNonNull(tables, "staging tables").take(connection, dialect, runId);
      staging = s;
      exchanged = parts.get(0).sql();
      log.debug("slice {}: filling {} to exchange with partition {} of {}", slice.key(), s, parts.get(0).name(), table);
    }
    replaced = parts.size();
    return true;
  }

  /** How many partitions the slice replaces (0 when it deleted its span). */
  int replaced() {
    return replaced;
  }

  /** The table the slice's rows go to: the staging table of an exchange, else the table itself. */
  TableName writeTable() {
    TableName s = staging;
    return s != null ? s : table;
  }

  /**
   * After the slice's commit, exchanges the staging table with its partition in auto-commit (inside a
   * transaction MariaDB 10.11 waits for the lock-wait timeout) and gives the staging table (now holding
   * the partition's old rows) back for the run's next slice. A crash in between leaves the slice
   * unrecorded, so it runs again and replaces the partition with the same rows.
   */
  void afterCommit() throws SQLException {
    TableName s = staging;
    String partition = exchanged;
    if (s == null || partition == null) {
      return;
    }
    connection.setAutoCommit(true);
    try (Statement st = connection.createStatement()) {
      st.execute(dialect.exchangePartitionSql(table.sql(dialect), partition, s.sql(dialect)));
      log.debug("slice {}: exchanged partition {} of {} with {}", slice.key(), partition, table, s);
    } finally {
      giveBack();
    }
  }

  /** After a clean rollback, gives the staging table back (the next slice truncates it). */
  void afterRollback() {
    giveBack();
  }

  private void giveBack() {
    TableName s = staging;
    staging = null;
    if (s != null && stagingTables != null) {
      stagingTables.give(runId, s);
    }
  }

  /**
   * Drops staging tables that slices of the table left behind (a process killed between a slice's
   * commit and its exchange). Called before any slice of a run starts, and when a run ends.
   */
  static void dropLeftovers(Connection c, Dialect d, TableName table) throws SQLException {
    if (d.partitionReplacement() != TablePartitions.Replacement.EXCHANGE) {
      return;
    }
    String sample = table.derived(StagingTables.PREFIX + "0".repeat(StagingTables.RANDOM_HEX)).table();
    String prefix = sample.substring(0, sample.length() - StagingTables.RANDOM_HEX);
    for (String name : d.tablesStartingWith(c, table.schema(), prefix)) {
      String rest = name.substring(Math.min(prefix.length(), name.length()));
      if (rest.length() == StagingTables.RANDOM_HEX && rest.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
        try (Statement st = c.createStatement()) {
          st.execute(d.dropTableIfExistsSql(d.qualified(table.schema(), name)));
        }
        log.info("dropped {}, a staging table a slice of {} left behind", name, table);
      }
    }
  }
}
