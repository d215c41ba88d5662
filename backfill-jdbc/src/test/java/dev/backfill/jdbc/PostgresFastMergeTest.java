package dev.backfill.jdbc;

/** PostgreSQL: a slice whose first batch holds 256 rows or more is COPYed into a temporary table. */
class PostgresFastMergeTest extends AbstractFastMergeTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String metric() {
    return "jdbc.staged_merge_rows";
  }

  @Override
  int rowByRowBatch() {
    return 100;
  }
}
