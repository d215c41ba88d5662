package dev.backfill.jdbc;

class H2PreflightTest extends AbstractPreflightTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
