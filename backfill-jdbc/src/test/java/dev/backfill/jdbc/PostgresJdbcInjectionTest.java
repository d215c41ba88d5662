package dev.backfill.jdbc;

class PostgresJdbcInjectionTest extends AbstractJdbcInjectionTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
