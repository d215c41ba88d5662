package dev.backfill.jdbc;

import java.util.List;

class H2FullRebuildTest extends AbstractFullRebuildTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  List<String> createTrigger() {
    return List.of(); // H2 triggers are Java classes
  }
}
