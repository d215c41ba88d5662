/**
 * Backfill for Java, JDBC adapter: sources, table and pushdown destinations, SQL checks and the JDBC
 * state store ({@code dev.backfill.jdbc}). The per-engine SQL ({@code dev.backfill.jdbc.dialect}) and
 * the adapter's machinery ({@code dev.backfill.jdbc.internal}) are not exported; choose an engine with
 * {@link dev.backfill.jdbc.SqlDialect}.
 */
module dev.backfill.jdbc {
  requires transitive dev.backfill.core;
  requires transitive java.sql;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static org.postgresql.jdbc;

  exports dev.backfill.jdbc;

  provides dev.backfill.spi.FailureClassifier with dev.backfill.jdbc.internal.JdbcFailureClassifier;
}
