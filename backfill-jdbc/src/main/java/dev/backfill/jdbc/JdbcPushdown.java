package dev.backfill.jdbc;

import dev.backfill.Slice;
import dev.backfill.WriteStrategy;
import dev.backfill.jdbc.internal.PushdownQuery;
import dev.backfill.jdbc.internal.Query;
import dev.backfill.jdbc.internal.TableTarget;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SliceWriter;
import java.sql.SQLException;
import java.util.Set;

/**
 * A destination table filled by a query in the same database: each slice runs as one
 * {@code INSERT ... SELECT} with the slice's tokens bound, inside the slice's transaction, so no row
 * passes through the JVM. Made by {@link JdbcDestination#fromQuery(String)}; supports every
 * {@link WriteStrategy} as {@link JdbcDestination} does. Its stats (rows and nulls per column) are
 * counted with the same query in the same transaction, before the insert.
 *
 * <p>Unknown tokens in the query fail when the backfill is built or planned.
 */
public final class JdbcPushdown extends TableDestination<Object> {
  private final PushdownQuery query;

  JdbcPushdown(TableTarget target, String sql) {
    super(target);
    this.query = new PushdownQuery(new Query(sql, "pushdown query into " + target.table()));
  }

  @Override
  PushdownQuery pushdownQuery() {
    return query;
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
  public SliceWriter<Object> open(Slice slice, WriteStrategy strategy, SliceContext context) throws SQLException {
    return target.open(JdbcDestination.runOf(strategy, context), slice, strategy, query,
        JdbcDestination.exactlyOnce(context));
  }

  @Override
  public String describe() {
    return "JdbcPushdown(" + target.table() + " <- " + query.query().abbreviated() + ")";
  }
}
