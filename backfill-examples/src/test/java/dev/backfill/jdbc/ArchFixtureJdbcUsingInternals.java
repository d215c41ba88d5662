package dev.backfill.jdbc;

/**
 * Breaks rules on purpose, for ArchitectureTest: a JDBC class reaching into core's internals, and one
 * naming an engine's dialect outside the dialect package.
 */
final class ArchFixtureJdbcUsingInternals {
  boolean transientFailure = dev.backfill.internal.Failures.isTransient(new RuntimeException());

  /** An engine check outside the dialect package. */
  static final class EngineCheck {
    boolean postgres(Object dialect) {
      return dialect instanceof dev.backfill.jdbc.dialect.PostgresDialect;
    }
  }
}
