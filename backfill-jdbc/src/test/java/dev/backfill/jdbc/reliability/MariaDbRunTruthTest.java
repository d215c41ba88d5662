package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class MariaDbRunTruthTest extends AbstractRunTruthTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }
}
