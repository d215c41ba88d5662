package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

/** PostgreSQL accepts any password here (trust authentication); what matters is where it travels. */
class PostgresPasswordCharactersTest extends AbstractPasswordCharactersTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String mistypedUrl(TestDatabase db, String user, String password) {
    return "jdbc:postgres://127.0.0.1:5432/test?currentSchema=" + db.name() + "&user=" + user + "&password=" + password;
  }
}
