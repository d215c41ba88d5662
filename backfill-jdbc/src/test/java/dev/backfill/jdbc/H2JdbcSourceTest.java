package dev.backfill.jdbc;

class H2JdbcSourceTest extends AbstractJdbcSourceTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  String instantType() {
    return "TIMESTAMP WITH TIME ZONE";
  }

  @Override
  String instantLiteral(String utc) {
    return "TIMESTAMP WITH TIME ZONE '" + utc + "+00:00'";
  }
}
