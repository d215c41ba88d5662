package dev.backfill.jdbc;

class H2GraphTest extends AbstractGraphTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
