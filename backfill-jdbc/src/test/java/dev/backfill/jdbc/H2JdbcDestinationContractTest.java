package dev.backfill.jdbc;

class H2JdbcDestinationContractTest extends AbstractJdbcDestinationContractTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
