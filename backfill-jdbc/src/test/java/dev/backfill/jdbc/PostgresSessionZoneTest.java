package dev.backfill.jdbc;

class PostgresSessionZoneTest extends AbstractSessionZoneTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
