package dev.backfill.jdbc;

class MariaDbJdbcStateStoreTest extends AbstractJdbcStateStoreTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
