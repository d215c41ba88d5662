package dev.backfill.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a result set to a record, for sources that produce their own types instead
 * of {@link dev.backfill.Row}.
 *
 * <pre>{@code
 * JdbcSource<Order> source = JdbcSource.query(ds, "SELECT id, amount FROM orders WHERE day = :start_date",
 *     rs -> new Order(rs.getLong("id"), rs.getBigDecimal("amount")));
 * }</pre>
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface RowMapper<T> {

  /**
   * Maps the current row. Do not move the cursor.
   *
   * @param rs the result set positioned on a row
   * @return the record, not null
   * @throws SQLException when a column cannot be read
   */
  T map(ResultSet rs) throws SQLException;
}
