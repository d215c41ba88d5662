package dev.backfill.jdbc;

class H2JdbcDestinationTest extends AbstractJdbcDestinationTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  void failSucceededStatusOf(String sliceKey) {
    H2FailingStatusTrigger.sliceKey = sliceKey;
    db.exec("CREATE TRIGGER bf_fail BEFORE UPDATE ON backfill_slices FOR EACH ROW CALL \""
        + H2FailingStatusTrigger.class.getName() + "\"");
  }
}
