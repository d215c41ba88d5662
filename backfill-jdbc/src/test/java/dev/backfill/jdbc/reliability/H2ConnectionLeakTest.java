package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class H2ConnectionLeakTest extends AbstractConnectionLeakTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  String shortLockTimeoutSql() {
    return "SET LOCK_TIMEOUT 500";
  }

  @Override
  String lockTimeoutError() {
    return "Timeout trying to lock table";
  }
}
