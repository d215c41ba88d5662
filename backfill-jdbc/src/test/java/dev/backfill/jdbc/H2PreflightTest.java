package dev.backfill.jdbc;

class H2PreflightTest extends AbstractPreflightTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
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
