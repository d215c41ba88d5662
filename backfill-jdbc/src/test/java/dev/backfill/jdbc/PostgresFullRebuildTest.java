package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PostgresFullRebuildTest extends AbstractFullRebuildTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  List<String> createTrigger() {
    return List.of("CREATE FUNCTION t_audit_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        "CREATE TRIGGER t_audit BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_audit_fn()");
  }

  @Override
  String identityColumn() {
    return ", seq BIGSERIAL";
  }

  @Test
  void aRoleAllowedToReadTheTableStillCanAfterTheSwap() {
    String role = "bf_reader_" + db.name();
    createTable("");
    TestDatabase.admin(engine(), "CREATE ROLE " + role);
    try {
      db.exec("GRANT USAGE ON SCHEMA " + db.name() + " TO " + role, "GRANT SELECT ON t TO " + role);
      RunReport report = rebuild(source("new", Set.of())).execute(rebuild(source("new", Set.of()))
          .plan(DAYS, ALL)).await();

      assertThat(report.status()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(db.lines("SELECT has_table_privilege('" + role + "', '" + db.name() + ".t', 'SELECT')"))
          .as("the grant stays on the live table (a swap by renaming tables lost it)").containsExactly("true");
    } finally {
      db.exec("DROP OWNED BY " + role);
      TestDatabase.admin(engine(), "DROP ROLE " + role);
    }
  }
}
