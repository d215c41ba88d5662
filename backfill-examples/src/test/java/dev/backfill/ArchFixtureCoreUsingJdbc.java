package dev.backfill;

/** Breaks a rule on purpose, for ArchitectureTest: core naming a JDBC adapter type. */
final class ArchFixtureCoreUsingJdbc {
  Object dialect = dev.backfill.jdbc.SqlDialect.h2();
}
