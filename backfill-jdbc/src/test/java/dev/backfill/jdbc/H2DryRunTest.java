package dev.backfill.jdbc;

class H2DryRunTest extends AbstractDryRunTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
