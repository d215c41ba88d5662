package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

class PostgresBadInputTest extends AbstractBadInputTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }
}
