package dev.backfill.jdbc.reliability;

import dev.backfill.jdbc.TestDatabase;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/** MariaDB checks the password, so the wrong-credentials path is a real refusal. */
class MariaDbPasswordTest extends AbstractPasswordTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  String url(TestDatabase db, int port, String user, String password) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + db.name() + "?user=" + user + "&password=" + password;
  }

  @Override
  DataSource driverDataSource(TestDatabase db, String user, String password) throws Exception {
    MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:3306/" + db.name());
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }

  @Override
  String refusedUser(String user) {
    return user;
  }
}
