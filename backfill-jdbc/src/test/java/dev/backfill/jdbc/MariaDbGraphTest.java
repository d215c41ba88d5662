package dev.backfill.jdbc;

class MariaDbGraphTest extends AbstractGraphTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
