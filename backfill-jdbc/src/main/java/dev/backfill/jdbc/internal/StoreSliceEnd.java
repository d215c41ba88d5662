package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import java.util.List;
import java.util.StringJoiner;

/**
 * A slice's end as one statement where the engine has data-modifying {@code WITH} (issue 17): the
 * lease-checked update of the slice, the insert of its attempt and the upsert of its partitions'
 * states travel in one round trip instead of three, inside the writer's transaction as before. The
 * update's {@code RETURNING} feeds the other two, so a lost lease (no row updated) writes nothing.
 */
public final class StoreSliceEnd {
  private final Dialect dialect;
  private final StoreTables t;

  /**
   * Creates the statement builder of one store.
   *
   * @param dialect the engine, with {@link Dialect#supportsDataModifyingWith()}
   * @param tables the store's tables
   */
  public StoreSliceEnd(Dialect dialect, StoreTables tables) {
    this.dialect = dialect;
    this.t = tables;
  }

  /**
   * Wraps the slice's update into the one statement. Parameters, after the update's own: the attempt's
   * worker, status, start, end, rows, error and log excerpt; then, when {@code partitions}, the
   * partitions' status, and when {@code ok} also the success time, the slice's rows (kept for a
   * single partition) and its duration in milliseconds (shared among its partitions). The statement
   * returns the slice's partition keys, one row when the update applied and none otherwise.
   *
   * @param update the slice's lease-checked {@code UPDATE}, without {@code RETURNING}
   * @param partitions whether the partitions' states are recorded (a finished slice)
   * @param ok whether the slice succeeded (its partitions take all values, else status and run only)
   * @param partitionUpdate the partitions' columns a conflict updates
   * @return the SQL
   */
  public String sql(String update, boolean partitions, boolean ok, List<String> partitionUpdate) {
    StringBuilder sql = new StringBuilder("WITH s AS (").append(update)
        .append(" RETURNING run_id, slice_index, attempt, slice_key, partition_keys), a AS (INSERT INTO ")
        .append(t.attempts).append(" (run_id, slice_index, attempt, slice_key, worker, status, started_at,")
        .append(" finished_at, row_count, error, log_excerpt, recorded_at) SELECT run_id, slice_index, attempt,")
        .append(" slice_key, ?, ?, ?, ?, ?, ?, ?, ").append(dialect.now()).append(" FROM s)");
    if (partitions) {
      StringJoiner set = new StringJoiner(", ");
      for (String c : partitionUpdate) {
        set.add(dialect.quote(c) + " = EXCLUDED." + dialect.quote(c));
      }
      String nothing = "CAST(NULL AS " + dialect.timestampType() + ")";
      sql.append(", p AS (INSERT INTO ").append(t.partitions).append(" (target, partition_key, last_status,")
          .append(" last_run_id, succeeded_at, logic_version, row_count, duration_ms, invalidated) SELECT r.target,")
          .append(" k.key, ?, s.run_id, ").append(ok ? "?" : nothing).append(", ")
          .append(ok ? "r.logic_version" : "CAST(NULL AS VARCHAR(255))").append(", ")
          .append(ok ? "CASE WHEN n.n = 1 THEN CAST(? AS BIGINT) ELSE -1 END" : "-1").append(", ")
          .append(ok ? "CAST(? AS BIGINT) / n.n" : "-1").append(", FALSE FROM s JOIN ").append(t.runs)
          .append(" r ON r.run_id = s.run_id CROSS JOIN LATERAL ")
          .append(dialect.jsonArrayElementsSql("s.partition_keys")).append(" AS k(key)")
          .append(" CROSS JOIN LATERAL (SELECT COUNT(*) AS n FROM ")
          .append(dialect.jsonArrayElementsSql("s.partition_keys")).append(" AS c(key)) n")
          // "WHERE TRUE" keeps the parser from reading ON CONFLICT as the ON of the join
          .append(" WHERE TRUE ON CONFLICT (target, partition_key) DO UPDATE SET ").append(set).append(")");
    }
    return sql.append(" SELECT partition_keys FROM s").toString();
  }
}
