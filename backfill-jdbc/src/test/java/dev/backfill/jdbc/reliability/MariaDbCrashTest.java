package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class MariaDbCrashTest extends AbstractCrashTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
