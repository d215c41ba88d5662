package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import dev.backfill.jdbc.TestDatabase;
import org.mariadb.jdbc.MariaDbDataSource;

/** MariaDB checks the password, so the pool proves the password works as it is. */
class MariaDbPasswordCharactersTest extends AbstractPasswordCharactersTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  @Override
  void createUser(TestDatabase db, String user, String quotedPassword) {
    TestDatabase.admin(engine(), "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + quotedPassword + "'");
    TestDatabase.admin(engine(), "GRANT ALL ON " + db.name() + ".* TO '" + user + "'@'%'");
  }

  @Override
  void dropUser(TestDatabase db, String user) {
    TestDatabase.admin(engine(), "DROP USER '" + user + "'@'%'");
  }

  @Override
  HikariConfig poolConfig(TestDatabase db, String user, String password) {
    HikariConfig c = new HikariConfig();
    c.setDataSourceClassName(MariaDbDataSource.class.getName());
    c.addDataSourceProperty("url", "jdbc:mariadb://127.0.0.1:3306/" + db.name());
    c.addDataSourceProperty("user", user);
    c.addDataSourceProperty("password", password);
    c.setMaximumPoolSize(6);
    return c;
  }

  @Override
  String mistypedUrl(TestDatabase db, String user, String password) {
    return "jdbc:maria://127.0.0.1:3306/" + db.name() + "?user=" + user + "&password=" + password;
  }
}
