package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class MariaDbMultiWorkerTest extends AbstractMultiWorkerTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
