package dev.backfill.jdbc.reliability;

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
  String url(TestDatabase db, int port, String user, String password) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/test?currentSchema=" + db.name() + "&user=" + user
        + "&password=" + password;
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
