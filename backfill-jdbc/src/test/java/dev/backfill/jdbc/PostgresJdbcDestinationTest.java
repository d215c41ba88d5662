package dev.backfill.jdbc;

class PostgresJdbcDestinationTest extends AbstractJdbcDestinationTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  void failSucceededStatusOf(String sliceKey) {
    db.exec("CREATE FUNCTION bf_fail() RETURNS trigger AS $$ BEGIN"
            + " IF NEW.status = 'SUCCEEDED' AND NEW.slice_key = '" + sliceKey + "' THEN"
            + " RAISE EXCEPTION 'injected failure recording the status'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER bf_fail BEFORE UPDATE ON backfill_slices FOR EACH ROW EXECUTE FUNCTION bf_fail()");
  }
}
