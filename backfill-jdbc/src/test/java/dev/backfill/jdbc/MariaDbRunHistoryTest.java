package dev.backfill.jdbc;

class MariaDbRunHistoryTest extends AbstractJdbcRunHistoryTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
