package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class PostgresConnectionLeakTest extends AbstractConnectionLeakTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String shortLockTimeoutSql() {
    return "SET lock_timeout = '300ms'";
  }

  @Override
  String lockTimeoutError() {
    return "lock timeout";
  }
}
