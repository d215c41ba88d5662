package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which columns of a table hold instants rather than local values, read from the table's metadata
 * on first use and again by every preflight (so a plan or run sees a column's current type).
 */
final class InstantColumns {
  private final TableName table;
  private volatile @Nullable Set<String> known;

  InstantColumns(TableName table) {
    this.table = table;
  }

  /** The lower-case names of the columns that hold instants, read once. */
  Set<String> get(Connection c, Dialect d) throws SQLException {
    Set<String> names = known;
    return names != null ? names : refresh(c, d);
  }

  /** Reads the columns again. */
  Set<String> refresh(Connection c, Dialect d) throws SQLException {
    Set<String> names = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table.sql(d) + " WHERE 1 = 0");
        ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        if (d.holdsInstants(md, i)) {
          names.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
      }
    }
    known = Set.copyOf(names);
    return known;
  }
}
