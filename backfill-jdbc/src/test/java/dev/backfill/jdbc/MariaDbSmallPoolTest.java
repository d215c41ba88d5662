package dev.backfill.jdbc;

class MariaDbSmallPoolTest extends AbstractSmallPoolTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
