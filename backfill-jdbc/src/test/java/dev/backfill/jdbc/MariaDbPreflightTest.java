package dev.backfill.jdbc;

class MariaDbPreflightTest extends AbstractPreflightTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
