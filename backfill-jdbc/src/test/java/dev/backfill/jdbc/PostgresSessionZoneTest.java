package dev.backfill.jdbc;

class PostgresSessionZoneTest extends AbstractSessionZoneTest {
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

  @Override
  String sessionZonePlusTwoSql() {
    return "SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE";
  }
}
