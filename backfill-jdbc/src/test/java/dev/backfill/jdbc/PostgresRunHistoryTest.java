package dev.backfill.jdbc;

class PostgresRunHistoryTest extends AbstractJdbcRunHistoryTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
