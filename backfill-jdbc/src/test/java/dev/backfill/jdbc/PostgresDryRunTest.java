package dev.backfill.jdbc;

class PostgresDryRunTest extends AbstractDryRunTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
