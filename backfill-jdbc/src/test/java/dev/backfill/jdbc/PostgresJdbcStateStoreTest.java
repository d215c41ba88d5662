package dev.backfill.jdbc;

class PostgresJdbcStateStoreTest extends AbstractJdbcStateStoreTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
