package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
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
  void createUser(TestDatabase db, String user, String password) {
    TestDatabase.admin(engine(), "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'");
    TestDatabase.admin(engine(), "GRANT ALL ON " + db.name() + ".* TO '" + user + "'@'%'");
  }

  @Override
  void dropUser(TestDatabase db, String user) {
    TestDatabase.admin(engine(), "DROP USER '" + user + "'@'%'");
  }

  @Override
  String url(TestDatabase db, int port, String user, String password) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/" + db.name() + "?user=" + user + "&password=" + password;
  }

  @Override
  HikariConfig propertiesConfig(TestDatabase db, String user, String password) {
    HikariConfig c = new HikariConfig();
    c.setDataSourceClassName(MariaDbDataSource.class.getName());
    c.addDataSourceProperty("url", "jdbc:mariadb://127.0.0.1:3306/" + db.name());
    c.addDataSourceProperty("user", user);
    c.addDataSourceProperty("password", password);
    c.setMaximumPoolSize(6);
    return c;
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
