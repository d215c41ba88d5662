package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import java.util.List;
import java.util.StringJoiner;

/**
 * A slice's end as one statement (issue 17): the lease-checked update of the slice, the insert of its
 * attempt and the upsert of its partitions' states travel in one round trip instead of three, inside
 * the writer's transaction, or alone in auto-commit when the writer has sent nothing
 * ({@link UnstartedWrite}): a MariaDB compound statement then begins and commits its own transaction.
 * A lost lease (no row updated) writes nothing.
 *
 * <ul>
 *   <li>PostgreSQL: data-modifying {@code WITH}; the update's {@code RETURNING} feeds the other two.
 *   <li>MariaDB: a compound statement ({@code BEGIN NOT ATOMIC ... END}) that runs the other two only
 *       when {@code ROW_COUNT()} says the update applied. Its first two parameters are the slice's run
 *       id and index ({@link #bindsSliceFirst()}), which the later statements read. When this process's
 *       claim read the slice's keys, the other two insert bound values ({@link #knownSql}): parsing,
 *       planning and running the joins that read them back cost the server about a sixth of its time
 *       per slice.
 * </ul>
 */
public final class StoreSliceEnd {
  /** Most partitions a slice may have for its end to take what its claim read ({@link #knownSql}). */
  public static final int MOST_KNOWN_PARTITIONS = 64;

  private final Dialect dialect;
  private final StoreTables t;

  /**
   * Creates the statement builder of one store.
   *
   * @param dialect the engine, with {@link Dialect#supportsDataModifyingWith()} or
   *     {@link Dialect#supportsCompoundStatements(java.sql.Connection)}
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
   * returns one row when the update applied and none otherwise. Where
   * {@link #bindsSliceFirst()}, the run id and the slice's index come before all of these.
   *
   * @param update the slice's lease-checked {@code UPDATE}, without {@code RETURNING}
   * @param partitions whether the partitions' states are recorded (a finished slice)
   * @param ok whether the slice succeeded (its partitions take all values, else status and run only)
   * @param partitionUpdate the partitions' columns a conflict updates
   * @param alone whether the statement runs in auto-commit and must be atomic by itself (see
   *     {@link UnstartedWrite}): a compound statement then begins and commits its own transaction
   * @return the SQL
   */
  public String sql(String update, boolean partitions, boolean ok, List<String> partitionUpdate, boolean alone) {
    if (bindsSliceFirst()) {
      return compound(update, partitions, ok, partitionUpdate, alone);
    }
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
    return sql.append(" SELECT 1 AS applied FROM s").toString();
  }

  /**
   * Tells whether the statement's first two parameters are the slice's run id and index (the compound
   * statement's variables), before the update's own.
   *
   * @return true on engines without data-modifying {@code WITH}
   */
  public boolean bindsSliceFirst() {
    return !dialect.supportsDataModifyingWith();
  }

  /**
   * The compound statement: the same parameters as {@link #sql} after the run id and index. Its
   * variables carry a prefix no column of the store's tables has, since inside a compound statement a
   * variable hides a column of the same name.
   */
  private String compound(String update, boolean partitions, boolean ok, List<String> partitionUpdate,
      boolean alone) {
    StringBuilder sql = compoundHead(update, alone)
        .append(" SELECT run_id, slice_index, attempt, slice_key, ?, ?, ?, ?, ?, ?, ?, ").append(dialect.now())
        .append(" FROM ").append(t.slices).append(" WHERE run_id = bf_run AND slice_index = bf_slice;");
    if (partitions) {
      // a derived table, so the update's column names cannot be read as the joined tables' columns
      sql.append(" INSERT INTO ").append(t.partitions).append(" (target, partition_key, last_status, last_run_id,")
          .append(" succeeded_at, logic_version, row_count, duration_ms, invalidated) SELECT * FROM (SELECT")
          .append(" r.target AS target, k.k AS partition_key, ? AS last_status, s.run_id AS last_run_id, ")
          .append(ok ? "?" : "NULL").append(" AS succeeded_at, ").append(ok ? "r.logic_version" : "NULL")
          .append(" AS logic_version, ").append(ok ? "CASE WHEN JSON_LENGTH(s.partition_keys) = 1 THEN ? ELSE -1 END" : "-1")
          .append(" AS row_count, ").append(ok ? "? DIV JSON_LENGTH(s.partition_keys)" : "-1")
          .append(" AS duration_ms, FALSE AS invalidated FROM ").append(t.slices).append(" s JOIN ").append(t.runs)
          .append(" r ON r.run_id = s.run_id JOIN ").append(dialect.jsonArrayTableSql("s.partition_keys", "k"))
          .append(" WHERE s.run_id = bf_run AND s.slice_index = bf_slice) AS d ON DUPLICATE KEY UPDATE ")
          .append(valuesSet(partitionUpdate)).append(";");
    }
    return compoundTail(sql, alone);
  }

  /**
   * The compound statement ({@link #bindsSliceFirst()} only) for a slice whose claim in this process read
   * its key and partition keys, and whose run's target and logic version are known: the attempt and the
   * partitions' states are inserted from bound values, so the server neither reads the slice and its
   * run back nor expands the stored keys. Parameters: the run id and index, the update's own, then the
   * attempt's number, slice key, worker, status, start, end, rows, error and log excerpt; then, when
   * {@code partitions}, for each partition its target, key and status, and when {@code ok} also the
   * success time, the logic version, the rows (the slice's for a single partition, else -1) and its
   * share of the duration.
   *
   * @param update the slice's lease-checked {@code UPDATE}
   * @param partitionCount how many partitions the slice has, at most {@link #MOST_KNOWN_PARTITIONS}
   * @param partitions whether the partitions' states are recorded (a finished slice)
   * @param ok whether the slice succeeded
   * @param partitionUpdate the partitions' columns a conflict updates
   * @param alone whether the statement begins and commits its own transaction (see {@link #sql})
   * @return the SQL
   */
  public String knownSql(String update, int partitionCount, boolean partitions, boolean ok,
      List<String> partitionUpdate, boolean alone) {
    if (!bindsSliceFirst() || partitionCount > MOST_KNOWN_PARTITIONS) {
      throw new IllegalArgumentException("no statement from bound values for " + partitionCount + " partition(s) on "
          + dialect.name());
    }
    StringBuilder sql = compoundHead(update, alone).append(" VALUES (bf_run, bf_slice, ?, ?, ?, ?, ?, ?, ?, ?, ?, ")
        .append(dialect.now()).append(");");
    if (partitions && partitionCount > 0) {
      StringJoiner rows = new StringJoiner(", ");
      String row = ok ? "(?, ?, ?, bf_run, ?, ?, ?, ?, FALSE)" : "(?, ?, ?, bf_run, NULL, NULL, -1, -1, FALSE)";
      for (int i = 0; i < partitionCount; i++) {
        rows.add(row);
      }
      sql.append(" INSERT INTO ").append(t.partitions).append(" (target, partition_key, last_status, last_run_id,")
          .append(" succeeded_at, logic_version, row_count, duration_ms, invalidated) VALUES ").append(rows)
          .append(" ON DUPLICATE KEY UPDATE ").append(valuesSet(partitionUpdate)).append(";");
    }
    return compoundTail(sql, alone);
  }

  /**
   * Both compound statements up to the attempt's values: the variables (prefixed, since inside a compound
   * statement a variable hides a column of the same name), the update, and the attempt's insert that
   * runs only when the update applied. {@code alone}, in auto-commit, where each statement would commit
   * by itself: a READ COMMITTED transaction of its own (as a writer's), rolled back on any error.
   */
  private StringBuilder compoundHead(String update, boolean alone) {
    return new StringBuilder("BEGIN NOT ATOMIC DECLARE bf_run ").append(dialect.exactTextType(64))
        .append(" DEFAULT ?; DECLARE bf_slice INT DEFAULT ?; DECLARE bf_applied INT DEFAULT 0; ")
        .append(alone ? "DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;"
            + " SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION; " : "").append(update)
        .append("; SET bf_applied = ROW_COUNT(); IF bf_applied = 1 THEN INSERT INTO ").append(t.attempts)
        .append(" (run_id, slice_index, attempt, slice_key, worker, status, started_at, finished_at, row_count, error,")
        .append(" log_excerpt, recorded_at)");
  }

  /** The end of both compound statements: its commit when {@code alone}, then whether the update applied. */
  private static String compoundTail(StringBuilder sql, boolean alone) {
    return sql.append(alone ? " END IF; COMMIT;" : " END IF;")
        .append(" SELECT 1 AS applied FROM DUAL WHERE bf_applied = 1; END").toString();
  }

  /** {@code c = VALUES(c), ...}: what a partition's conflict updates. */
  private String valuesSet(List<String> partitionUpdate) {
    StringJoiner set = new StringJoiner(", ");
    for (String c : partitionUpdate) {
      set.add(dialect.quote(c) + " = VALUES(" + dialect.quote(c) + ")");
    }
    return set.toString();
  }
}
