package dev.backfill.jdbc;

class MariaDbJdbcDestinationTest extends AbstractJdbcDestinationTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  void failSucceededStatusOf(String sliceKey) {
    db.exec("CREATE TRIGGER bf_fail BEFORE UPDATE ON backfill_slices FOR EACH ROW BEGIN"
        + " IF NEW.status = 'SUCCEEDED' AND NEW.slice_key = '" + sliceKey + "' THEN"
        + " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure recording the status'; END IF; END");
  }
}
