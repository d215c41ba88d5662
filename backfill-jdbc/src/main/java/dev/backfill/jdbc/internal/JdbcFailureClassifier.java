package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import dev.backfill.jdbc.dialect.H2Dialect;
import dev.backfill.jdbc.dialect.MariaDbDialect;
import dev.backfill.jdbc.dialect.PostgresDialect;
import dev.backfill.spi.FailureClassifier;
import java.sql.SQLException;
import java.util.List;

/**
 * Teaches core what the SQL engines' failures mean, registered through {@code ServiceLoader}: each
 * {@link SQLException} (and the exceptions chained with {@code getNextException}) is classified by
 * every engine's dialect. Engine codes barely overlap, and a PERMANENT answer wins.
 */
public final class JdbcFailureClassifier implements FailureClassifier {
  private final List<Dialect> engines = List.of(new PostgresDialect(), new MariaDbDialect(), new H2Dialect());

  /** Creates the classifier (by {@code ServiceLoader}). */
  public JdbcFailureClassifier() {}

  @Override
  public Kind classify(Throwable failure) {
    if (!(failure instanceof SQLException sql)) {
      return Kind.UNKNOWN;
    }
    Kind found = Kind.UNKNOWN;
    for (SQLException e = sql; e != null; e = e.getNextException() == e ? null : e.getNextException()) {
      for (Dialect d : engines) {
        Kind k = d.classify(e);
        if (k == Kind.PERMANENT) {
          return k;
        }
        if (found == Kind.UNKNOWN) {
          found = k;
        }
      }
    }
    return found;
  }
}
