package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class PostgresCrashTest extends AbstractCrashTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
