package dev.backfill.jdbc.internal;

import dev.backfill.jdbc.dialect.Dialect;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A configured SQL text with named parameters: parsed once with generic rules when configured (to
 * report errors and unknown tokens early) and once more with the engine's own lexical rules when the
 * dialect is known.
 */
public final class Query {
  private final String sql;
  private final String where;
  private final NamedSql generic;
  private volatile NamedSql forDialect;
  private volatile @Nullable Dialect parsedFor;

  /**
   * Parses a query.
   *
   * @param sql the SQL with {@code :name} parameters
   * @param where what the query belongs to, for messages
   */
  public Query(String sql, String where) {
    this.sql = sql;
    this.where = where;
    this.generic = NamedSql.parse(sql, where);
    this.forDialect = generic;
    this.parsedFor = null;
  }

  /**
   * Returns the query parsed with an engine's rules.
   *
   * @param dialect the engine
   * @return the parsed query
   */
  public NamedSql forDialect(Dialect dialect) {
    if (parsedFor != dialect) {
      NamedSql parsed = NamedSql.parse(sql, where, dialect.sqlSyntax());
      forDialect = parsed;
      parsedFor = dialect;
      return parsed;
    }
    return forDialect;
  }

  /**
   * Fails when the query uses a token that is not defined.
   *
   * @param tokens token names every slice defines
   */
  public void validate(Set<String> tokens) {
    generic.validate(tokens, where);
  }

  /**
   * Returns the query shortened for descriptions.
   *
   * @return abbreviated SQL
   */
  public String abbreviated() {
    return generic.abbreviated();
  }

  /**
   * Returns what the query belongs to.
   *
   * @return e.g. "query of JdbcSource"
   */
  public String where() {
    return where;
  }
}
