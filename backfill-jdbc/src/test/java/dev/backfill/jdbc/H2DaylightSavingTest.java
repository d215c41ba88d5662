package dev.backfill.jdbc;

class H2DaylightSavingTest extends AbstractDaylightSavingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  String instantType() {
    return "TIMESTAMP WITH TIME ZONE";
  }

  @Override
  String localDateTimeType() {
    return "TIMESTAMP";
  }
}
