package dev.backfill.jdbc.internal;

import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A merge whose batches are large enough to gain from a bulk load: the slice's rows go into a
 * temporary table (COPY on PostgreSQL) and are upserted from it with one {@code INSERT ... SELECT ...
 * ON CONFLICT ... DO UPDATE}, with the same conflict rule ({@code newerBy}) as the row-by-row upsert.
 *
 * <p>The staged rows are first upserted by one statement inside a savepoint. One statement cannot
 * update a row twice, so when a key repeats among them (SQLSTATE 21000) the savepoint is rolled back
 * and the rows are applied in rounds, in the order the slice wrote them: round {@code n} upserts each
 * key's {@code n}-th row, which leaves what the row-by-row upsert leaves (the last row wins, or the
 * newest by {@code newerBy}).
 */
final class StagedMerge {
  /** The metric a slice reports: rows merged through the staging table. */
  static final String METRIC = "jdbc.staged_merge_rows";
  /** The metric of the most statements one merge of the stage took: 1, or the most times a key repeated. */
  static final String ROUNDS_METRIC = "jdbc.staged_merge_rounds";
  /** Batches smaller than this merge row by row: the staging table's setup would not pay off. */
  static final int MIN_BATCH = 256;
  private static final String STAGE = "bfx_merge_stage";

  private final Connection connection;
  private final Dialect dialect;
  private final String tableSql;
  private final List<String> columns;
  private final List<String> keys;
  private final @Nullable String newerBy;
  private final StatementTracker tracker;
  private long pending;
  private long merged;
  private boolean needsEmptying;
  private int mostRounds;

  private StagedMerge(Connection connection, Dialect dialect, String tableSql, List<String> columns, List<String> keys,
      @Nullable String newerBy, StatementTracker tracker) {
    this.connection = connection;
    this.dialect = dialect;
    this.tableSql = tableSql;
    this.columns = columns;
    this.keys = keys;
    this.newerBy = newerBy;
    this.tracker = tracker;
  }

  /**
   * Creates the staging table when the strategy is a merge, the slice's first batch has at least
   * {@link #MIN_BATCH} rows and the engine stages merges; null otherwise (merge row by row).
   */
  static @Nullable StagedMerge open(Connection connection, Dialect dialect, String tableSql, WriteStrategy strategy,
      List<String> columns, int firstBatch, StatementTracker tracker) throws SQLException {
    if (!(strategy instanceof WriteStrategy.Merge m) || firstBatch < MIN_BATCH) {
      return null;
    }
    List<String> ddl = dialect.mergeStageSql(tableSql, dialect.quote(STAGE), columns);
    if (ddl.isEmpty()) {
      return null;
    }
    try (Statement st = connection.createStatement()) {
      for (String sql : ddl) {
        st.execute(sql);
      }
    }
    List<String> keys = m.keys().stream().map(k -> asWritten(columns, k)).toList();
    String newerBy = m.newerBy() == null ? null : asWritten(columns, m.newerBy());
    return new StagedMerge(connection, dialect, tableSql, columns, keys, newerBy, tracker);
  }

  private static String asWritten(List<String> columns, String name) {
    return columns.stream().filter(c -> c.equalsIgnoreCase(name)).findFirst().orElse(name);
  }

  /** The quoted staging table, where the slice's rows are inserted. */
  String stageSql() {
    return dialect.quote(STAGE);
  }

  /** Called before rows are added to the stage: empties it when its rows were merged already. */
  void beforeAdding(int rows) throws SQLException {
    if (needsEmptying) {
      try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + stageSql())) {
        tracker.update(ps);
      }
      needsEmptying = false;
    }
    pending += rows;
  }

  /** Upserts the staged rows into the table, in rounds when a key repeats. */
  void merge() throws SQLException {
    if (pending == 0) {
      return;
    }
    String stage = stageSql();
    String keyList = dialect.quoteAll(keys);
    // most slices write each key once: try that first, which spares counting the rounds
    if (oneStatement()) {
      mostRounds = Math.max(mostRounds, 1);
      merged += pending;
      pending = 0;
      needsEmptying = true;
      return;
    }
    int rounds;
    try (PreparedStatement ps = connection.prepareStatement("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM "
        + stage + " GROUP BY " + keyList + ") " + dialect.quote("bfx_k"));
        ResultSet rs = tracker.query(ps)) {
      rs.next();
      rounds = rs.getInt(1);
    }
    mostRounds = Math.max(mostRounds, rounds);
    String cols = dialect.quoteAll(columns);
    if (rounds <= 1) {
      try (PreparedStatement ps = connection.prepareStatement(dialect.upsertSelectSql(tableSql, columns, keys,
          "SELECT " + cols + " FROM " + stage, newerBy))) {
        tracker.update(ps);
      }
    } else {
      String ranked = "SELECT " + cols + " FROM (SELECT " + cols + ", ROW_NUMBER() OVER (PARTITION BY " + keyList
          + " ORDER BY " + dialect.quote("bfx_seq") + ") AS " + dialect.quote("bfx_round") + " FROM " + stage + ") "
          + dialect.quote("bfx_r") + " WHERE " + dialect.quote("bfx_round") + " = ?";
      try (PreparedStatement ps = connection.prepareStatement(dialect.upsertSelectSql(tableSql, columns, keys, ranked,
          newerBy))) {
        for (int round = 1; round <= rounds; round++) {
          ps.setInt(1, round);
          tracker.update(ps);
        }
      }
    }
    merged += pending;
    pending = 0;
    needsEmptying = true;
  }

  /**
   * Upserts every staged row in one statement inside a savepoint; false, with the savepoint rolled
   * back, when a key repeats among them (SQLSTATE 21000, the standard's cardinality violation: one
   * statement cannot update a row twice).
   */
  private boolean oneStatement() throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try (PreparedStatement ps = connection.prepareStatement(dialect.upsertSelectSql(tableSql, columns, keys,
        "SELECT " + dialect.quoteAll(columns) + " FROM " + stageSql(), newerBy))) {
      tracker.update(ps);
    } catch (SQLException e) {
      if (!"21000".equals(e.getSQLState())) {
        throw e;
      }
      connection.rollback(savepoint);
      return false;
    }
    connection.releaseSavepoint(savepoint);
    return true;
  }

  /** The most statements one merge of the stage took so far (0 before the first). */
  int mostRounds() {
    return mostRounds;
  }

  /** Rows merged through the stage so far. */
  long merged() {
    return merged;
  }
}
