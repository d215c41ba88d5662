package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class H2ConcurrentClaimTest extends AbstractConcurrentClaimTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
