package dev.backfill.jdbc;

class PostgresSmallPoolTest extends AbstractSmallPoolTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
