package dev.backfill.jdbc;

class PostgresJdbcStreamingTest extends AbstractJdbcStreamingTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String twoMillionRows() {
    return "SELECT g AS id, CAST(:start_date AS date) AS day, repeat('x', 64) AS payload"
        + " FROM generate_series(1, " + ROWS + ") AS g";
  }
}
