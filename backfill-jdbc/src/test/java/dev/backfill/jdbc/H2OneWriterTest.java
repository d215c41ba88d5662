package dev.backfill.jdbc;

class H2OneWriterTest extends AbstractOneWriterTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
