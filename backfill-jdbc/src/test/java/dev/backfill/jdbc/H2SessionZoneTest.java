package dev.backfill.jdbc;

class H2SessionZoneTest extends AbstractSessionZoneTest {
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

  @Override
  String sessionZonePlusTwoSql() {
    return "SET TIME ZONE '+02:00'";
  }
}
