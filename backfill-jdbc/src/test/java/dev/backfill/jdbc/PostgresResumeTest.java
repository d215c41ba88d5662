package dev.backfill.jdbc;

class PostgresResumeTest extends AbstractJdbcResumeTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
