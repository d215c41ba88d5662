package dev.backfill.jdbc.internal;

import dev.backfill.Row;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.MultiRowSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Writes a merging slice's batches as multi-row upserts ({@link MultiRowSql}) where the engine offers
 * them: each batch is cut into as few statements as the engine's parameter and packet limits allow, in the
 * batch's order, so a key repeated within the slice ends as it would row by row (the last row wins,
 * or the newest by {@code newerBy}: the engine handles the rows of one statement in order).
 */
final class MultiRowWriter {
  /** The metric a merging slice reports: rows upserted by multi-row statements. */
  static final String MERGE_METRIC = "jdbc.multi_row_merge_rows";

  private final Connection connection;
  private final Dialect dialect;
  private final MultiRowSql sql;
  private final IntFunction<String> text;
  private final int columns;
  private final StatementTracker tracker;
  private @Nullable PreparedStatement reused;
  private int reusedRows;
  private long written;

  private MultiRowWriter(Connection connection, Dialect dialect, MultiRowSql sql, IntFunction<String> text, int columns,
      StatementTracker tracker) {
    this.connection = connection;
    this.dialect = dialect;
    this.sql = sql;
    this.text = text;
    this.columns = columns;
    this.tracker = tracker;
  }

  /** Opens the multi-row path for a merge's upserts into {@code tableSql}; null when the engine has none. */
  static @Nullable MultiRowWriter open(Connection connection, Dialect dialect, String tableSql, TableName table,
      WriteStrategy strategy, List<String> cols, StatementTracker tracker) throws SQLException {
    Optional<MultiRowSql> offered = dialect.multiRowSql(connection);
    if (offered.isEmpty()) {
      return null;
    }
    MultiRowSql sql = offered.get();
    WriteSql.Upsert u = WriteSql.upsert(table, strategy, cols);
    if (u == null) {
      return null;
    }
    IntFunction<String> text = rows -> sql.upsert(tableSql, cols, u.keys(), u.update(), u.newerBy(), rows);
    return new MultiRowWriter(connection, dialect, sql, text, cols.size(), tracker);
  }

  /** Writes a batch, in order. */
  void write(List<Row> rows) throws SQLException {
    int maxRows = sql.maxRows(columns);
    int start = 0;
    while (start < rows.size()) {
      int end = chunkEnd(rows, start, maxRows, sql.maxBytes());
      send(rows.subList(start, end));
      start = end;
    }
  }

  /**
   * Where the statement starting at {@code start} ends: before the row that would take it past
   * {@code maxRows} rows or {@code maxBytes} bytes of values, and after at least one row.
   */
  static int chunkEnd(List<Row> rows, int start, int maxRows, long maxBytes) {
    int end = start;
    long bytes = 0;
    while (end < rows.size() && end - start < maxRows) {
      Row row = rows.get(end);
      long b = 0;
      for (int i = 0; i < row.size(); i++) {
        b += MultiRowSql.bytes(row.get(i));
      }
      if (end > start && bytes + b > maxBytes) {
        break;
      }
      bytes += b;
      end++;
    }
    return end;
  }

  private void send(List<Row> chunk) throws SQLException {
    int n = chunk.size();
    // batches are usually full, so the statement for a full batch is prepared once per slice
    boolean keep = reused == null || reusedRows == n;
    PreparedStatement ps = keep && reused != null ? reused : connection.prepareStatement(text.apply(n));
    try {
      int p = 1;
      for (Row row : chunk) {
        for (int i = 0; i < row.size(); i++) {
          dialect.bind(ps, p++, row.get(i));
        }
      }
      tracker.update(ps);
      written += n;
    } finally {
      if (keep) {
        reused = ps;
        reusedRows = n;
      } else {
        ps.close();
      }
    }
  }

  /** The metric to report and the rows written so far; none when nothing went this way. */
  void report(Map<String, Double> metrics) {
    if (written > 0) {
      metrics.put(MERGE_METRIC, (double) written);
    }
  }

  /** Closes the statement kept for reuse. */
  void close() throws SQLException {
    PreparedStatement ps = reused;
    reused = null;
    if (ps != null) {
      ps.close();
    }
  }
}
