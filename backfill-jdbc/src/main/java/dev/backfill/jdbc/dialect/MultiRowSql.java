package dev.backfill.jdbc.dialect;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * Inserts and upserts that carry many rows in one statement ({@code INSERT INTO t (a, b) VALUES
 * (?, ?), (?, ?), ...}), for engines where one such statement is much faster than a batch of one-row
 * statements (MariaDB: {@code ON DUPLICATE KEY UPDATE} handles the rows of one statement one after
 * the other, in order, exactly as it would handle them in separate statements). A dialect offers it
 * through {@link Dialect#multiRowSql(java.sql.Connection)} with the engine's limits: how many
 * parameters one statement may bind and how many bytes it may take.
 */
public final class MultiRowSql {
  /** Most parameters one prepared statement may bind on the engines that offer this (a 16-bit count). */
  public static final int MAX_PARAMETERS = 65_535;

  /** The part of an upsert after its rows, as the engine's dialect writes it. */
  @FunctionalInterface
  public interface UpsertClause {
    /**
     * Returns the clause that updates a row whose key is taken.
     *
     * @param table quoted table
     * @param keys key columns
     * @param updateColumns columns overwritten when the key exists
     * @param newerBy ordering column, or null for last write wins
     * @return e.g. {@code  ON DUPLICATE KEY UPDATE ...}
     */
    String of(String table, List<String> keys, List<String> updateColumns, @Nullable String newerBy);
  }

  private final Dialect dialect;
  private final int maxParameters;
  private final long maxBytes;
  private final UpsertClause upsertClause;

  /**
   * Creates the statements of one engine.
   *
   * @param dialect the engine's dialect, which quotes the names
   * @param maxParameters parameters one statement may bind
   * @param maxBytes bytes one statement's values may take (a share of the server's packet limit)
   * @param upsertClause the clause after the rows of an upsert
   */
  public MultiRowSql(Dialect dialect, int maxParameters, long maxBytes, UpsertClause upsertClause) {
    if (maxParameters < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxParameters + " parameters, " + maxBytes
          + " bytes");
    }
    this.dialect = requireNonNull(dialect, "dialect");
    this.maxParameters = maxParameters;
    this.maxBytes = maxBytes;
    this.upsertClause = requireNonNull(upsertClause, "upsertClause");
  }

  /**
   * Returns how many rows of {@code columns} values one statement may carry by its parameter count.
   *
   * @param columns values per row
   * @return at least 1
   */
  public int maxRows(int columns) {
    return Math.max(1, maxParameters / Math.max(1, columns));
  }

  /**
   * Returns how many bytes the values of one statement may take.
   *
   * @return the byte budget
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Returns an upper bound of the bytes a value takes in a statement: text may grow when escaped and
   * encoded (3 bytes per UTF-16 unit at most), binary when escaped (2 per byte).
   *
   * @param value a bound value
   * @return its size in the statement, at most
   */
  public static long bytes(@Nullable Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof CharSequence s) {
      return 3L * s.length() + 2;
    }
    if (value instanceof byte[] b) {
      return 2L * b.length + 3;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return 24;
    }
    return 64 + 3L * String.valueOf(value).length();
  }

  /**
   * Returns an insert of {@code rows} rows.
   *
   * @param table quoted table
   * @param columns column names (validated), in the order of each row's values
   * @param rows how many rows the statement carries
   * @return the statement with {@code rows * columns.size()} placeholders, row after row
   */
  public String insert(String table, List<String> columns, int rows) {
    return "INSERT INTO " + table + " (" + dialect.quoteAll(columns) + ") VALUES " + tuples(columns.size(), rows);
  }

  /**
   * Returns an upsert of {@code rows} rows, with the same rule for a taken key (and for a key repeated
   * among the rows) as {@link Dialect#upsertSql(String, List, List, List, String)}.
   *
   * @param table quoted table
   * @param columns every column, in the order of each row's values
   * @param keys key columns
   * @param updateColumns columns overwritten when the key exists
   * @param newerBy ordering column, or null for last write wins
   * @param rows how many rows the statement carries
   * @return the statement
   */
  public String upsert(String table, List<String> columns, List<String> keys, List<String> updateColumns,
      @Nullable String newerBy, int rows) {
    return insert(table, columns, rows) + upsertClause.of(table, keys, updateColumns, newerBy);
  }

  private static String tuples(int columns, int rows) {
    StringJoiner one = new StringJoiner(", ", "(", ")");
    for (int i = 0; i < columns; i++) {
      one.add("?");
    }
    String tuple = one.toString();
    StringBuilder b = new StringBuilder(rows * (tuple.length() + 2));
    for (int r = 0; r < rows; r++) {
      if (r > 0) {
        b.append(", ");
      }
      b.append(tuple);
    }
    return b.toString();
  }
}
