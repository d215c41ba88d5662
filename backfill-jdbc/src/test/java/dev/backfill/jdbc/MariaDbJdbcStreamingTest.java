package dev.backfill.jdbc;

class MariaDbJdbcStreamingTest extends AbstractJdbcStreamingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.MARIADB;
  }

  /** The SEQUENCE engine (built into MariaDB) generates the rows. */
  @Override
  String twoMillionRows() {
    return "SELECT seq AS id, CAST(:start_date AS DATE) AS day, REPEAT('x', 64) AS payload FROM seq_1_to_" + ROWS;
  }
}
