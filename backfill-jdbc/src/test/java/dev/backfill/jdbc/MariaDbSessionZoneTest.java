package dev.backfill.jdbc;

class MariaDbSessionZoneTest extends AbstractSessionZoneTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String instantType() {
    return "TIMESTAMP NULL";
  }

  @Override
  String localDateTimeType() {
    return "DATETIME";
  }

  @Override
  String sessionZonePlusTwoSql() {
    return "SET time_zone = '+02:00'";
  }
}
