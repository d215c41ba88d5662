package dev.backfill.jdbc;

class PostgresGraphTest extends AbstractGraphTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
