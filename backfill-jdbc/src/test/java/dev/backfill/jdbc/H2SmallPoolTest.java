package dev.backfill.jdbc;

class H2SmallPoolTest extends AbstractSmallPoolTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
