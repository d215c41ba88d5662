package dev.backfill.jdbc;

class PostgresOneWriterTest extends AbstractOneWriterTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
