package dev.backfill.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/** A data source that counts the connections handed out, to prove nothing ran. */
final class CountingDataSource extends AbstractJdbcDestinationTest.OtherDataSource {
  private final AtomicInteger connections = new AtomicInteger();

  CountingDataSource(DataSource delegate) {
    super(delegate);
  }

  int connections() {
    return connections.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    connections.incrementAndGet();
    return super.getConnection();
  }
}
