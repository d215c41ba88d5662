package dev.backfill.jdbc;

class PostgresDaylightSavingTest extends AbstractDaylightSavingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String instantType() {
    return "TIMESTAMPTZ";
  }

  @Override
  String localDateTimeType() {
    return "TIMESTAMP";
  }
}
