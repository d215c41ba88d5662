package dev.backfill.jdbc.internal;

import dev.backfill.InvalidConfigurationException;
import dev.backfill.Row;
import dev.backfill.jdbc.dialect.Dialect;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Turns the rows of one result set into {@link Row}s sharing one header, with java.time values. */
public final class RowReader {
  private final Row.Header header;
  private final Dialect.ColumnReader[] readers;

  /**
   * Prepares reading a result.
   *
   * @param md the result's metadata
   * @param dialect converts values and normalises labels
   * @param where what produced the result, for messages
   * @throws SQLException on failure
   */
  public RowReader(ResultSetMetaData md, Dialect dialect, String where) throws SQLException {
    int n = md.getColumnCount();
    List<String> labels = new ArrayList<>(n);
    readers = new Dialect.ColumnReader[n];
    for (int i = 1; i <= n; i++) {
      labels.add(dialect.columnLabel(md.getColumnLabel(i)));
      readers[i - 1] = dialect.reader(md, i);
    }
    try {
      header = Row.header(labels);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(where + " returns columns " + labels
          + " with a repeated name; give each column its own alias", e);
    }
  }

  /**
   * Returns the column names.
   *
   * @return names in result order
   */
  public List<String> columns() {
    return header.columns();
  }

  /**
   * Reads the current row.
   *
   * @param rs the result set positioned on a row
   * @return the row
   * @throws SQLException on failure
   */
  public Row read(ResultSet rs) throws SQLException {
    Object[] values = new Object[readers.length];
    for (int i = 0; i < readers.length; i++) {
      values[i] = readers[i].read(rs, i + 1);
    }
    return header.row(values);
  }
}
