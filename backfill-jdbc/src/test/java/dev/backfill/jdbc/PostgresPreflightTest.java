package dev.backfill.jdbc;

class PostgresPreflightTest extends AbstractPreflightTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String dropIndexSql(String name, String table) {
    return "DROP INDEX " + name;
  }

  @Override
  boolean otherUniqueKeysTriggerTheUpsert() {
    return false;
  }
}
