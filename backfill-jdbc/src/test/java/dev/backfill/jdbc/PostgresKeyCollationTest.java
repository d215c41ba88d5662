package dev.backfill.jdbc;

class PostgresKeyCollationTest extends AbstractKeyCollationTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String exactTextType() {
    return "VARCHAR(20)";
  }

  /** A nondeterministic ICU collation ignoring case and accents, in the test's own schema. */
  @Override
  String caseInsensitiveTextType() {
    db.exec("CREATE COLLATION bf_ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)");
    return "VARCHAR(20) COLLATE bf_ci";
  }
}
