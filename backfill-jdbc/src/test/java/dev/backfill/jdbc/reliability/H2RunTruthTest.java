package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class H2RunTruthTest extends AbstractRunTruthTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
