package dev.backfill.jdbc.internal;

import dev.backfill.SliceStats;
import dev.backfill.Tokens;
import dev.backfill.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The query of a pushdown destination: learns its columns once (from an empty execution) and
 * measures a slice's rows and nulls per column inside the slice's transaction.
 */
public final class PushdownQuery {
  private final Query query;
  private volatile @Nullable List<String> columns;

  /**
   * Creates the query.
   *
   * @param query the parsed query
   */
  public PushdownQuery(Query query) {
    this.query = query;
  }

  /**
   * Returns the parsed query.
   *
   * @return the query
   */
  public Query query() {
    return query;
  }

  /**
   * Returns the query's column names, which must also be the destination's.
   *
   * @param c an open connection
   * @param d the engine
   * @param tokens tokens of any slice, to run the query without rows
   * @return column names
   * @throws SQLException on failure
   */
  public List<String> columns(Connection c, Dialect d, Tokens tokens) throws SQLException {
    List<String> known = columns;
    if (known != null) {
      return known;
    }
    NamedSql sql = query.forDialect(d);
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + sql.jdbc() + ") " + d.quote("bf_q") + " WHERE 1 = 0")) {
      sql.bind(ps, 0, d, tokens);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          String name = d.columnLabel(md.getColumnLabel(i));
          Dialect.checkIdentifier(name, "column '" + name + "' of " + query.where());
          names.add(name);
        }
        columns = List.copyOf(names);
        return columns;
      }
    }
  }

  /**
   * Describes the query's columns and their {@code java.sql.Types} for a slice's tokens, without
   * reading a row.
   *
   * @param c a connection
   * @param d the engine
   * @param tokens a slice's tokens
   * @return column name to type, in order
   * @throws SQLException on failure
   */
  public java.util.Map<String, Integer> describe(Connection c, Dialect d, Tokens tokens) throws SQLException {
    NamedSql sql = query.forDialect(d);
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + sql.jdbc() + ") " + d.quote("bf_q") + " WHERE 1 = 0")) {
      sql.bind(ps, 0, d, tokens);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          out.put(d.columnLabel(md.getColumnLabel(i)), md.getColumnType(i));
        }
        return out;
      }
    }
  }

  /**
   * Tells whether the table declares every one of the columns NOT NULL, so a plain
   * {@code INSERT … SELECT} that succeeds inserted no null and its update count is the slice's row
   * count: the separate counting pass of {@link #stats} is then unnecessary. Read from the table
   * each time (not cached), so a column altered to allow nulls is seen at the next slice.
   *
   * @param c the slice's connection
   * @param d the engine
   * @param tableSql the quoted table written (the shadow during a full rebuild)
   * @param cols the query's columns
   * @return true if none of them can hold a null
   * @throws SQLException on failure
   */
  public boolean allNotNull(Connection c, Dialect d, String tableSql, List<String> cols) throws SQLException {
    Set<String> notNull = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + tableSql + " WHERE 1 = 0");
         ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (md.isNullable(i) == ResultSetMetaData.columnNoNulls) {
          notNull.add(d.columnLabel(md.getColumnLabel(i)).toLowerCase(Locale.ROOT));
        }
      }
    }
    return cols.stream().allMatch(col -> notNull.contains(col.toLowerCase(Locale.ROOT)));
  }

  /**
   * Counts a slice's rows and the nulls of each column.
   *
   * @param c the slice's connection
   * @param d the engine
   * @param tokens the slice's tokens
   * @param cols the query's columns
   * @param running tracks the statement so an abort can cancel it
   * @return the stats
   * @throws SQLException on failure
   */
  public SliceStats stats(Connection c, Dialect d, Tokens tokens, List<String> cols, StatementTracker running)
      throws SQLException {
    NamedSql sql = query.forDialect(d);
    StringJoiner select = new StringJoiner(", ");
    select.add("COUNT(*)");
    for (String col : cols) {
      select.add("SUM(CASE WHEN " + d.quote(col) + " IS NULL THEN 1 ELSE 0 END)");
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT " + select + " FROM (" + sql.jdbc() + ") " + d.quote("bf_q"))) {
      sql.bind(ps, 0, d, tokens);
      try (ResultSet rs = running.query(ps)) {
        rs.next();
        long rows = rs.getLong(1);
        Map<String, Long> nulls = new HashMap<>();
        for (int i = 0; i < cols.size(); i++) {
          nulls.put(cols.get(i), rs.getLong(i + 2));
        }
        return new SliceStats(rows, nulls, Map.of());
      }
    }
  }
}
