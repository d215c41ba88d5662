package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class PostgresConcurrentRunTest extends AbstractConcurrentRunTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
