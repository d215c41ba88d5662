package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class MariaDbConnectionLeakTest extends AbstractConnectionLeakTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String shortLockTimeoutSql() {
    return "SET SESSION innodb_lock_wait_timeout = 1";
  }

  @Override
  String lockTimeoutError() {
    return "Lock wait timeout exceeded";
  }
}
