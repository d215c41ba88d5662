package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import dev.backfill.jdbc.TestDatabase;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database users of the password tests, per engine: a login with a given password and rights on
 * the test's namespace, and a pool configured through the driver's DataSource properties.
 */
final class PasswordUsers {
  private PasswordUsers() {}

  /** Creates a login with the password (any characters; quotes are doubled in the statement). */
  static void create(TestDatabase.Engine engine, TestDatabase db, String user, String password) {
    String quoted = password.replace("'", "''");
    switch (engine) {
      case POSTGRES -> {
        TestDatabase.admin(engine, "CREATE ROLE " + user + " LOGIN PASSWORD '" + quoted + "'");
        TestDatabase.admin(engine, "GRANT USAGE, CREATE ON SCHEMA " + db.name() + " TO " + user);
      }
      case MARIADB -> {
        TestDatabase.admin(engine, "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + quoted + "'");
        TestDatabase.admin(engine, "GRANT ALL ON " + db.name() + ".* TO '" + user + "'@'%'");
      }
      case H2 -> throw new IllegalArgumentException("the password tests run on PostgreSQL and MariaDB");
    }
  }

  /** Drops the login and what it owns. */
  static void drop(TestDatabase.Engine engine, String user) {
    switch (engine) {
      case POSTGRES -> {
        TestDatabase.admin(engine, "DROP OWNED BY " + user);
        TestDatabase.admin(engine, "DROP ROLE " + user);
      }
      case MARIADB -> TestDatabase.admin(engine, "DROP USER '" + user + "'@'%'");
      case H2 -> throw new IllegalArgumentException("the password tests run on PostgreSQL and MariaDB");
    }
  }

  /** A pool configured through the driver's DataSource class and properties, password among them. */
  static HikariConfig propertiesConfig(TestDatabase.Engine engine, TestDatabase db, String user, String password) {
    HikariConfig c = new HikariConfig();
    switch (engine) {
      case POSTGRES -> {
        c.setDataSourceClassName(PGSimpleDataSource.class.getName());
        c.addDataSourceProperty("serverName", "127.0.0.1");
        c.addDataSourceProperty("portNumber", 5432);
        c.addDataSourceProperty("databaseName", "test");
        c.addDataSourceProperty("currentSchema", db.name());
      }
      case MARIADB -> {
        c.setDataSourceClassName(MariaDbDataSource.class.getName());
        c.addDataSourceProperty("url", "jdbc:mariadb://127.0.0.1:3306/" + db.name());
      }
      case H2 -> throw new IllegalArgumentException("the password tests run on PostgreSQL and MariaDB");
    }
    c.addDataSourceProperty("user", user);
    c.addDataSourceProperty("password", password);
    c.setMaximumPoolSize(6);
    return c;
  }
}
