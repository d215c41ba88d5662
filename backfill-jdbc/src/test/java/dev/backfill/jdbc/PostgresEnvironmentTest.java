package dev.backfill.jdbc;

class PostgresEnvironmentTest extends AbstractEnvironmentTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
