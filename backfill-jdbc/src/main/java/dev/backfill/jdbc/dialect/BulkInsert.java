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
 *
 * <p>A load may stay open across batches (one COPY per slice, not per batch); while it is open the
 * connection runs nothing else, so the writer {@link #finish() finishes} it before any other
 * statement, its checks and its commit. Errors such as constraint violations may surface only then.
 */
public interface BulkInsert {

  /**
   * Tells whether every value of the batch can go this way with the same meaning as a bound
   * parameter would have (the value's type matches its column's type).
   *
   * @param rows a batch, every row with the columns given when this was opened, in that order
   * @return true to {@link #write} it, false to insert it with bound parameters instead
   */
  boolean accepts(List<Row> rows);

  /**
   * Sends the batch, starting a load if none is open.
   *
   * @param rows a batch this accepted
   * @throws SQLException if the connection fails
   */
  void write(List<Row> rows) throws SQLException;

  /**
   * Ends the open load, if any, so the connection can run other statements.
   *
   * @return rows the load inserted (0 when none was open)
   * @throws SQLException as the insert would (constraint violations, lost connection, …)
   */
  long finish() throws SQLException;

  /** Abandons an open load without waiting for it (the transaction is rolled back next). */
  void cancel();
}
