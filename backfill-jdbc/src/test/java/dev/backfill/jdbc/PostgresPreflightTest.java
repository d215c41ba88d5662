package dev.backfill.jdbc;

class PostgresPreflightTest extends AbstractPreflightTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
