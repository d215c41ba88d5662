package dev.backfill.jdbc;

import dev.backfill.DestinationLock;
import dev.backfill.Partitioning;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.internal.PushdownQuery;
import dev.backfill.jdbc.internal.TableTarget;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.PreflightContext;
import dev.backfill.spi.PreflightFinding;
import dev.backfill.spi.RunCommit;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What every destination table does alike, whether rows come from the JVM ({@link JdbcDestination})
 * or from a query in the database ({@link JdbcPushdown}): strategy checks, full-rebuild preparation
 * and swap, and handing out its {@code DataSource} so a state store on the same one commits slice
 * status with slice data.
 *
 * @param <T> record type
 */
abstract class TableDestination<T> implements DestinationNode<T> {
  final TableTarget target;

  TableDestination(TableTarget target) {
    this.target = target;
  }

  @Override
  public void validate(WriteStrategy strategy, Partitioning partitioning) {
    target.validate(strategy);
  }

  /**
   * Returns the query a pushdown destination runs, whose columns the preflight checks; none here.
   *
   * @return the pushdown query, or null for a record destination
   */
  @org.jspecify.annotations.Nullable PushdownQuery pushdownQuery() {
    return null;
  }

  @Override
  public List<PreflightFinding> preflight(PreflightContext context) throws SQLException {
    return target.preflight(context, pushdownQuery());
  }

  @Override
  public void beginRun(RunContext run) throws SQLException {
    target.beginRun(run);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome) throws SQLException {
    target.finishRun(run, outcome, tx -> false);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome, RunCommit commit) throws SQLException {
    target.finishRun(run, outcome, commit);
  }

  /**
   * Returns the lock on this table that runs hold and the host's other writers of the table (an
   * incremental load, a CDC consumer) take too, so that they never write it at the same time: a
   * PostgreSQL advisory lock, a MariaDB {@code GET_LOCK} or an H2 lock row, named after the table.
   *
   * <pre>{@code
   * try (DestinationLock.Held held = JdbcDestination.table(ds, "mart.daily").lock().acquire(Duration.ofMinutes(5))) {
   *   incrementalLoad();
   * }
   * }</pre>
   *
   * @return the lock
   */
  public DestinationLock destinationLock() {
    return target.lock();
  }

  @Override
  public Optional<DestinationLock> lock() {
    return Optional.of(target.lock());
  }

  @Override
  public <R> Optional<R> resource(Class<R> type) {
    return type == DataSource.class ? Optional.of(type.cast(target.dataSource())) : Optional.empty();
  }

  /**
   * Tells whether a slice's data commits in one transaction: not for an overwrite that may exchange
   * MariaDB partitions (see {@link JdbcDestination}), which makes such runs at-least-once.
   */
  @Override
  public boolean commitsInOneTransaction(WriteStrategy strategy) {
    return target.commitsInOneTransaction(strategy);
  }

  @Override
  public String toString() {
    return describe();
  }
}
