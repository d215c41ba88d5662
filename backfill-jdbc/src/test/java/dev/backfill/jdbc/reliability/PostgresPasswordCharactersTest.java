package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import dev.backfill.jdbc.TestDatabase;
import org.postgresql.ds.PGSimpleDataSource;

/** PostgreSQL accepts any password here (trust authentication); what matters is where it travels. */
class PostgresPasswordCharactersTest extends AbstractPasswordCharactersTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  void createUser(TestDatabase db, String user, String quotedPassword) {
    TestDatabase.admin(engine(), "CREATE ROLE " + user + " LOGIN PASSWORD '" + quotedPassword + "'");
    TestDatabase.admin(engine(), "GRANT USAGE, CREATE ON SCHEMA " + db.name() + " TO " + user);
  }

  @Override
  void dropUser(TestDatabase db, String user) {
    TestDatabase.admin(engine(), "DROP OWNED BY " + user);
    TestDatabase.admin(engine(), "DROP ROLE " + user);
  }

  @Override
  HikariConfig poolConfig(TestDatabase db, String user, String password) {
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
  String mistypedUrl(TestDatabase db, String user, String password) {
    return "jdbc:postgres://127.0.0.1:5432/test?currentSchema=" + db.name() + "&user=" + user + "&password=" + password;
  }
}
