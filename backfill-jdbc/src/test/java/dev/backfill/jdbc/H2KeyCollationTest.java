package dev.backfill.jdbc;

class H2KeyCollationTest extends AbstractKeyCollationTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  String exactTextType() {
    return "VARCHAR(20)";
  }

  @Override
  String caseInsensitiveTextType() {
    return "VARCHAR_IGNORECASE(20)";
  }
}
