package dev.backfill.jdbc;

class H2DaylightSavingTest extends AbstractDaylightSavingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
