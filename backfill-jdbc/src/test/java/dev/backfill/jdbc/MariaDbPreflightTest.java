package dev.backfill.jdbc;

class MariaDbPreflightTest extends AbstractPreflightTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String dropIndexSql(String name, String table) {
    return "DROP INDEX " + name + " ON " + table;
  }

  @Override
  boolean otherUniqueKeysTriggerTheUpsert() {
    return true;
  }
}
