package dev.backfill.jdbc;

import dev.backfill.Partitioning;
import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.internal.PushdownQuery;
import dev.backfill.jdbc.internal.Query;
import dev.backfill.jdbc.internal.TableTarget;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RunContext;
import dev.backfill.spi.RunOutcome;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A destination table filled by a query in the same database: each slice runs as one
 * {@code INSERT ... SELECT} with the slice's tokens bound, inside the slice's transaction, so no row
 * passes through the JVM. Made by {@link JdbcDestination#fromQuery(String)}; supports every
 * {@link WriteStrategy} as {@link JdbcDestination} does. Its stats (rows and nulls per column) are
 * counted with the same query in the same transaction, before the insert.
 *
 * <p>Unknown tokens in the query fail when the backfill is built or planned.
 */
public final class JdbcPushdown implements DestinationNode<Object> {
  private final TableTarget target;
  private final PushdownQuery query;

  JdbcPushdown(TableTarget target, String sql) {
    this.target = target;
    this.query = new PushdownQuery(new Query(sql, "pushdown query into " + target.table()));
  }

  @Override
  public boolean isPushdown() {
    return true;
  }

  @Override
  public void validate(Set<String> tokens) {
    query.query().validate(tokens);
  }

  @Override
  public void validate(WriteStrategy strategy, Partitioning partitioning) {
    target.validate(strategy);
  }

  @Override
  public void beginRun(RunContext run) throws SQLException {
    target.beginRun(run);
  }

  @Override
  public SliceWriter<Object> open(Slice slice, WriteStrategy strategy, SliceContext context) throws SQLException {
    return target.open(slice, strategy, query);
  }

  @Override
  public void finishRun(RunContext run, RunOutcome outcome) throws SQLException {
    target.finishRun(run, outcome);
  }

  @Override
  public <R> Optional<R> resource(Class<R> type) {
    return type == DataSource.class ? Optional.of(type.cast(target.dataSource())) : Optional.empty();
  }

  @Override
  public String describe() {
    return "JdbcPushdown(" + target.table() + " <- " + query.query().abbreviated() + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
