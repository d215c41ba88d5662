package dev.backfill.jdbc;

class H2EnvironmentTest extends AbstractEnvironmentTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
