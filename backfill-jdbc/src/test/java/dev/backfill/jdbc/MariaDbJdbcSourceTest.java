package dev.backfill.jdbc;

class MariaDbJdbcSourceTest extends AbstractJdbcSourceTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  /** MariaDB has no zoned type: instants are kept as UTC DATETIMEs, which MariaDbDialect binds tokens as. */
  @Override
  String instantType() {
    return "DATETIME(6)";
  }

  @Override
  String instantLiteral(String utc) {
    return "'" + utc + "'";
  }

  @Override
  String localDateTimeType() {
    return "DATETIME";
  }
}
