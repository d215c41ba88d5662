package dev.backfill.jdbc;

class PostgresDaylightSavingTest extends AbstractDaylightSavingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
