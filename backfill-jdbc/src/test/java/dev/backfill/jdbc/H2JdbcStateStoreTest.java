package dev.backfill.jdbc;

class H2JdbcStateStoreTest extends AbstractJdbcStateStoreTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
