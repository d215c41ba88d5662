package dev.backfill.jdbc;

class PostgresJdbcSourceTest extends AbstractJdbcSourceTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String instantType() {
    return "TIMESTAMPTZ";
  }

  @Override
  String instantLiteral(String utc) {
    return "TIMESTAMPTZ '" + utc + "+00'";
  }
}
