package dev.backfill.jdbc;

class MariaDbJdbcInjectionTest extends AbstractJdbcInjectionTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String textCast(String param) {
    return "CAST(" + param + " AS CHAR(200))";
  }
}
