package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class MariaDbConcurrentRunTest extends AbstractConcurrentRunTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
