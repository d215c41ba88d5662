package dev.backfill.jdbc;

class H2ResumeTest extends AbstractJdbcResumeTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }
}
