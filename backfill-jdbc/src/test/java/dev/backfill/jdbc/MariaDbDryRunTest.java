package dev.backfill.jdbc;

class MariaDbDryRunTest extends AbstractDryRunTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
