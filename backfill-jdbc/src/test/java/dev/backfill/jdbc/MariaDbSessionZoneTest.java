package dev.backfill.jdbc;

class MariaDbSessionZoneTest extends AbstractSessionZoneTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
