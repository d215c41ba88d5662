package dev.backfill.cli;

import dev.backfill.jdbc.TestDatabase;

class MariaDbCliCancelTest extends AbstractCliCancelTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
