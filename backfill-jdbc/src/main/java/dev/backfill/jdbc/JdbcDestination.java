package dev.backfill.jdbc;

import static java.util.Objects.requireNonNull;

import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.internal.DialectHolder;
import dev.backfill.jdbc.internal.TableName;
import dev.backfill.jdbc.internal.TableTarget;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@link Row}s into a table, one transaction per slice, with any {@link WriteStrategy}:
 *
 * <ul>
 *   <li>{@code append()}: batched inserts (see the dialects for the JDBC URL settings that make
 *       batches fast).
 *   <li>{@code overwritePartition(columns)}: deletes the rows whose columns lie in the slice's span,
 *       then inserts the slice, in one transaction: readers see the old rows or the new ones. When the
 *       table is natively partitioned by the one overwritten column (read from the catalog; PostgreSQL
 *       declarative range or list partitions, MariaDB {@code PARTITION BY RANGE/LIST [COLUMNS]}) and a
 *       slice's span is exactly whole partitions, the slice replaces them instead, and reports the
 *       metric {@code jdbc.partitions_replaced}; the plan says how many partitions qualify and why the
 *       others do not. Anything else deletes row by row: spans that cover part of a partition, hash or
 *       expression partitioning, tables with triggers (which replacing would not fire) or referenced by
 *       foreign keys, instant ({@code timestamptz}) columns.
 *       <ul>
 *         <li>PostgreSQL: {@code TRUNCATE} of the child partitions, then the insert, in the slice's
 *             transaction, so the slice stays atomic and exactly-once. It needs the {@code TRUNCATE}
 *             privilege on each partition (without it, overwrite deletes row by row). TRUNCATE holds an
 *             {@code ACCESS EXCLUSIVE} lock on the partitions until the slice commits, so readers of
 *             those partitions wait for the slice instead of seeing the old rows; and TRUNCATE is not
 *             MVCC-safe: a {@code REPEATABLE READ} or {@code SERIALIZABLE} transaction whose snapshot
 *             was taken before the slice committed sees the replaced partitions empty.
 *         <li>MariaDB: the slice fills a staging table {@code <table>_bfx_<random>} (created
 *             {@code LIKE} the table, without partitioning) in its transaction; after that commit
 *             {@code ALTER TABLE ... EXCHANGE PARTITION p WITH TABLE staging} runs in auto-commit (inside a
 *             transaction MariaDB 10.11 waits for the lock-wait timeout). The run's next slice on a free
 *             worker reuses the staging table ({@code TRUNCATE}, fill, exchange), so a run keeps about one
 *             per slice running at once and drops them all when it ends.
 *             The exchange is one atomic metadata swap: readers see the partition's old rows or all new
 *             ones, and wait for its metadata lock (as it waits for theirs: a long reader delays it). As
 *             DDL commits on its own, the slice's status cannot commit with its data, so such runs are
 *             at-least-once (the run report says so): a slice interrupted between its exchange and its
 *             status runs again and replaces its partition with the same rows. A slice spanning several
 *             partitions deletes row by row; staging tables a killed process left are dropped when the
 *             next run of the table begins or ends.
 *       </ul>
 *   <li>{@code merge(keys)}: upserts by key (PostgreSQL {@code ON CONFLICT}, MariaDB
 *       {@code ON DUPLICATE KEY}, H2 {@code MERGE ... KEY}); the keys need a primary key or unique
 *       constraint on exactly the keys on every engine, checked when planning and before executing.
 *       With {@code deletingMissingWithin(columns)} the slice's span is deleted first, so keys the
 *       slice no longer produces disappear. A plain merge is last commit wins; with
 *       {@code newerBy(column)} the upsert itself only replaces a row that is not newer, so slices
 *       may commit in any order. On PostgreSQL a slice whose first batch holds at least 256 rows is
 *       COPYed into a temporary table (dropped at commit) and upserted from it with one
 *       {@code INSERT ... SELECT ... ON CONFLICT} in a savepoint; when a key repeats among the rows
 *       (SQLSTATE 21000) the savepoint is rolled back and the rows go in one statement per round, a key
 *       the slice repeats being applied in the slice's order (last or newest wins, as row by row); it
 *       reports {@code jdbc.staged_merge_rows} and {@code jdbc.staged_merge_rounds}. On MariaDB each
 *       batch of two rows or more is one multi-row {@code INSERT ... VALUES (...), (...) ON DUPLICATE
 *       KEY UPDATE} (cut to stay under 65,535 parameters and half of {@code max_allowed_packet}), whose
 *       rows the server applies in order as row by row; it reports {@code jdbc.multi_row_merge_rows}.
 *   <li>{@code fullRebuild()}: each run fills a shadow table of its own ({@code <table>_bf_<hash of the
 *       run id>}, created like the table when the run begins, filled further by a resume), so no other
 *       run can drop or fill it. When the run succeeded, one transaction deletes the table's rows,
 *       copies the shadow's in and records the swap in {@code backfill_swaps} (a small table in the
 *       table's schema) and, with a state store on the same {@code DataSource}, the run's SUCCEEDED: the
 *       table stays the same object (grants, triggers, comments, views, sequences and defaults are
 *       untouched), readers in any isolation level see all old rows or all new ones, and a resume never
 *       swaps twice nor swaps a partial shadow (a resume whose shadow is gone is refused). Triggers fire
 *       for the deleted and inserted rows; tables referenced by other tables' foreign keys are refused
 *       when planning; the plan says how many rows outside the range the swap drops. The copy costs one
 *       more pass over the table than a rename would; that is the price of keeping the table and its
 *       readers whole. {@code keepingPrevious()} keeps the replaced rows in {@code <table>_bf_prev}.
 * </ul>
 *
 * <pre>{@code
 * Backfill.builder("mart.daily_revenue")
 *     .partitioning(Partitioning.daily(ZoneId.of("Europe/Berlin")))
 *     .source(JdbcSource.query(ds, "SELECT ... WHERE ts >= :start_ts AND ts < :end_ts"))
 *     .destination(JdbcDestination.table(ds, "mart.daily_revenue"))
 *     .strategy(WriteStrategy.merge("day", "customer_id"))
 *     .stateStore(JdbcStateStore.create(ds))       // same DataSource: data and status commit together
 *     .build();
 * }</pre>
 *
 * <p>The table and the columns (from the rows and the strategy) must be plain SQL names; anything
 * with quotes, semicolons, comment markers or whitespace is refused with a message naming it. Values are
 * always bound. Writers offer their open {@code java.sql.Connection}, the {@code DataSource} and the
 * {@link SliceTable} as resources, so {@link JdbcChecks} run inside the slice's transaction and a
 * {@link JdbcStateStore} on the same {@code DataSource} records the slice's status in it.
 *
 * <p>Each running slice holds one connection of the data source for its transaction (and a
 * {@link JdbcSource} one more for its query), so size the pool at about {@code 2 × maxConcurrency + 2}.
 *
 * <p>Immutable and thread-safe; writers of different slices run concurrently.
 */
public final class JdbcDestination extends TableDestination<Row> {
  private final @Nullable Dialect explicitDialect;

  private JdbcDestination(DataSource dataSource, TableName table, @Nullable Dialect dialect) {
    super(new TableTarget(dataSource, table, new DialectHolder(dataSource, dialect)));
    this.explicitDialect = dialect;
  }

  /**
   * A destination table.
   *
   * @param dataSource where the table lives
   * @param table {@code table} or {@code schema.table}, plain SQL names
   * @return the destination
   * @throws dev.backfill.InvalidConfigurationException naming an unsafe table name
   */
  public static JdbcDestination table(DataSource dataSource, String table) {
    requireNonNull(dataSource, "dataSource");
    return new JdbcDestination(dataSource, TableName.parse(table), null);
  }

  /**
   * Sets the dialect instead of detecting it from the connection.
   *
   * @param d the dialect
   * @return the changed destination
   */
  public JdbcDestination dialect(SqlDialect d) {
    return new JdbcDestination(target.dataSource(), target.table(), requireNonNull(d, "dialect").engine());
  }

  /**
   * Turns this table into a pushdown destination: each slice runs as {@code INSERT ... SELECT} of the
   * query (with the slice's tokens bound) inside the database, with any strategy, and the backfill
   * has no source. The query's column labels name the table's columns.
   *
   * <pre>{@code
   * Backfill.builder("mart.daily_revenue")
   *     .partitioning(Partitioning.daily(zone))
   *     .destination(JdbcDestination.table(ds, "mart.daily_revenue").fromQuery("""
   *         SELECT CAST(:start_date AS date) AS day, customer_id, sum(amount) AS revenue
   *         FROM events WHERE ts >= :start_ts AND ts < :end_ts GROUP BY customer_id"""))
   *     .strategy(WriteStrategy.overwritePartition("day"))
   *     .build();
   * }</pre>
   *
   * @param sql a SELECT with {@code :token} parameters
   * @return the pushdown destination
   */
  public JdbcPushdown fromQuery(String sql) {
    return new JdbcPushdown(target, sql);
  }

  @Override
  public SliceWriter<Row> open(Slice slice, WriteStrategy strategy, SliceContext context) throws SQLException {
    return target.open(runOf(strategy, context), slice, strategy, null, exactlyOnce(context));
  }

  @Override
  public String describe() {
    return "JdbcDestination(" + target.table() + (explicitDialect == null ? "" : ", " + explicitDialect.name()) + ")";
  }

  /** The run whose shadow a full rebuild writes; other strategies write the table itself. */
  static String runOf(WriteStrategy strategy, SliceContext context) {
    return strategy instanceof WriteStrategy.FullRebuild ? context.runId() : "";
  }

  /**
   * Whether a slice's writer must keep all its data in its one transaction
   * ({@link SliceContext#exactlyOnce()}); so it must when opened without a context, outside a run.
   */
  static boolean exactlyOnce(@Nullable SliceContext context) {
    return context == null || context.exactlyOnce();
  }
}
