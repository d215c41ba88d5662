package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import dev.backfill.jdbc.TestDatabase;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL accepts any password here (trust authentication); what matters is where it travels. */
class PostgresPasswordTest extends AbstractPasswordTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  void createUser(TestDatabase db, String user, String password) {
    TestDatabase.admin(engine(), "CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
    TestDatabase.admin(engine(), "GRANT USAGE, CREATE ON SCHEMA " + db.name() + " TO " + user);
  }

  @Override
  void dropUser(TestDatabase db, String user) {
    TestDatabase.admin(engine(), "DROP OWNED BY " + user);
    TestDatabase.admin(engine(), "DROP ROLE " + user);
  }

  @Override
  String url(TestDatabase db, int port, String user, String password) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/test?currentSchema=" + db.name() + "&user=" + user
        + "&password=" + password;
  }

  @Override
  HikariConfig propertiesConfig(TestDatabase db, String user, String password) {
    HikariConfig c = new HikariConfig();
    c.setDataSourceClassName(PGSimpleDataSource.class.getName());
    c.addDataSourceProperty("serverName", "127.0.0.1");
    c.addDataSourceProperty("portNumber", 5432);
    c.addDataSourceProperty("databaseName", "test");
    c.addDataSourceProperty("currentSchema", db.name());
    c.addDataSourceProperty("user", user);
    c.addDataSourceProperty("password", password);
    c.setMaximumPoolSize(6);
    return c;
  }

  @Override
  DataSource driverDataSource(TestDatabase db, String user, String password) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {5432});
    ds.setDatabaseName("test");
    ds.setCurrentSchema(db.name());
    ds.setUser(user);
    ds.setPassword(password);
    return ds;
  }

  @Override
  String refusedUser(String user) {
    return "nobody_" + user;
  }
}
