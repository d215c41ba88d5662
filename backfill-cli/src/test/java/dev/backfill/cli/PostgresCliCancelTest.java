package dev.backfill.cli;

import dev.backfill.jdbc.TestDatabase;

class PostgresCliCancelTest extends AbstractCliCancelTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
