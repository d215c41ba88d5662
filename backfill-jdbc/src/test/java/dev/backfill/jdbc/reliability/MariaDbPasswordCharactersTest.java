package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;

/** MariaDB checks the password, so the pool proves the password works as it is. */
class MariaDbPasswordCharactersTest extends AbstractPasswordCharactersTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String mistypedUrl(TestDatabase db, String user, String password) {
    return "jdbc:maria://127.0.0.1:3306/" + db.name() + "?user=" + user + "&password=" + password;
  }
}
