package dev.backfill.jdbc;

class H2RunHistoryTest extends AbstractJdbcRunHistoryTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
