package dev.backfill.jdbc.dialect;

import dev.backfill.Row;
import java.sql.SQLException;
import java.util.List;

/**
 * An engine's faster path than batched {@code INSERT} for plain inserts of a slice's rows into one
 * table, on the slice's own connection and inside its transaction (for example PostgreSQL's
 * {@code COPY … FROM STDIN}). A dialect offers one through
 * {@link Dialect#bulkInsert(java.sql.Connection, String, List)}; the writer uses it for each batch
 * it {@link #accepts accepts} and falls back to batched inserts for the others, so results never
 * depend on which path a batch took.
 */
public interface BulkInsert {

  /**
   * Tells whether every value of the batch can go this way with the same meaning as a bound
   * parameter would have (the value's type matches its column's type).
   *
   * @param rows a batch, every row with the columns given when this was opened, in that order
   * @return true to {@link #load} it, false to insert it with bound parameters instead
   */
  boolean accepts(List<Row> rows);

  /**
   * Loads the batch into the table, in the connection's open transaction.
   *
   * @param rows a batch this accepted
   * @return rows loaded
   * @throws SQLException as the insert would (constraint violations, lost connection, …)
   */
  long load(List<Row> rows) throws SQLException;
}
