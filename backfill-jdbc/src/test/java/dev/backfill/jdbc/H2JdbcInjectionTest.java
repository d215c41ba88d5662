package dev.backfill.jdbc;

class H2JdbcInjectionTest extends AbstractJdbcInjectionTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
