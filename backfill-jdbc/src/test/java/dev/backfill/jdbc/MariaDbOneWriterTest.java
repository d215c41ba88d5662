package dev.backfill.jdbc;

class MariaDbOneWriterTest extends AbstractOneWriterTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
