package dev.backfill.jdbc;

class MariaDbResumeTest extends AbstractJdbcResumeTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
