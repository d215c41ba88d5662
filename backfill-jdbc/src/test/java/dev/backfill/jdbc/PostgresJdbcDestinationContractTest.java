package dev.backfill.jdbc;

class PostgresJdbcDestinationContractTest extends AbstractJdbcDestinationContractTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
