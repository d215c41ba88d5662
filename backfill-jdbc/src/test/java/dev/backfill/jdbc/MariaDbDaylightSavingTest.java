package dev.backfill.jdbc;

class MariaDbDaylightSavingTest extends AbstractDaylightSavingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String instantType() {
    return "TIMESTAMP";
  }

  @Override
  String localDateTimeType() {
    return "DATETIME";
  }
}
