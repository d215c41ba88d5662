package dev.backfill.jdbc;

class MariaDbJdbcDestinationContractTest extends AbstractJdbcDestinationContractTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
