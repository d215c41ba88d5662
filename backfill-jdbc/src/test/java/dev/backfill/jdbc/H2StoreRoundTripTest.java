package dev.backfill.jdbc;

/** H2: no SKIP LOCKED, so a claim is a compare-and-set transaction per slice; no RETURNING. */
class H2StoreRoundTripTest extends AbstractStoreRoundTripTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.H2;
  }

  @Override
  int claimOfFourCalls() {
    // per slice: auto-commit off, two candidate reads, the update, the lease read, commit, auto-commit on
    return 28;
  }

  @Override
  int renewalCalls() {
    return 5; // auto-commit off, the update, the lease read, commit, auto-commit on
  }

  @Override
  int joinedEndStatements() {
    return 4; // the slice's update (lease and target checked), its attempt, its partition keys, its partitions
  }
}
