package dev.backfill.jdbc.reliability;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A DataSource that opens connections from a JDBC URL through the driver manager, as simple host
 * code often does, and prints itself as given: its URL with the password in it (what a careless host
 * DataSource might print) or a plain name.
 *
 * @param url the JDBC URL
 * @param shownAs what {@link #toString()} returns
 */
record UrlDataSource(String url, String shownAs) implements DataSource {
  /** One that prints its URL, password included. */
  static UrlDataSource showingItsUrl(String url) {
    return new UrlDataSource(url, "UrlDataSource(" + url + ")");
  }

  /** One that prints a plain name. */
  static UrlDataSource named(String name, String url) {
    return new UrlDataSource(url, name);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  public Connection getConnection(String u, String p) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public java.util.logging.Logger getParentLogger() {
    return java.util.logging.Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  @Override
  public String toString() {
    return shownAs;
  }
}
