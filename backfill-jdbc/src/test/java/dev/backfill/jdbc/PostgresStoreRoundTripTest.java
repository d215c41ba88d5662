package dev.backfill.jdbc;

/** PostgreSQL: claims, renewals and a slice's lease-checked update are one statement each. */
class PostgresStoreRoundTripTest extends AbstractStoreRoundTripTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  int claimOfFourCalls() {
    return 1; // one UPDATE ... RETURNING in auto-commit
  }

  @Override
  int renewalCalls() {
    return 1;
  }

  @Override
  int joinedEndStatements() {
    return 3; // the slice's update (lease and target checked, keys returned), its attempt, its partitions
  }
}
