package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class PostgresRunTruthTest extends AbstractRunTruthTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
