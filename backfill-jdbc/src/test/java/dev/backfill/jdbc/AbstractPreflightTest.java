package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.PlanOptions;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.Selection;
import dev.backfill.WriteStrategy;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the JDBC destination refuses before any slice runs, on one engine: a merge into a table
 * without a unique key on exactly its key columns is refused when planned and again when executed,
 * with a message naming the table and the keys, nothing written and no run created. Subclasses name
 * the engine.
 *
 * <p>Upstream table {@code src} holds three days of three customers; the destination {@code dim}
 * keeps one row per customer.
 */
abstract class AbstractPreflightTest extends EngineTest {
  static final PartitionRange RANGE = PartitionRange.of("2024-01-01", "2024-01-03");

  enum Path { RECORDS, PUSHDOWN }

  @BeforeEach
  void setUp() {
    db.exec("CREATE TABLE src (" + db.q("day") + " DATE NOT NULL, customer_id INT NOT NULL, email VARCHAR(40) NOT NULL,"
        + " revenue BIGINT NOT NULL)");
    for (int d = 1; d <= 3; d++) {
      for (int c = 1; c <= 3; c++) {
        db.exec("INSERT INTO src VALUES (DATE '2024-01-0" + d + "', " + c + ", 'c" + c + "@example.org', " + (d * 100 + c)
            + ")");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void mergeWithoutAUniqueKeyOnItsKeysIsRefusedBeforeAnySlice(Path path) {
    db.exec("CREATE TABLE dim (customer_id INT NOT NULL, email VARCHAR(40) NOT NULL, revenue BIGINT NOT NULL)");
    Backfill<?> backfill = backfill(path, WriteStrategy.merge("customer_id"));

    assertThatThrownBy(() -> backfill.plan(RANGE))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("merge(customer_id) into dim", "unique constraint on exactly (customer_id)",
            "has no unique key", "ALTER TABLE dim ADD UNIQUE (customer_id)");
    assertThat(store.runs("dim")).as("no run was created").isEmpty();
    assertThat(db.count("SELECT count(*) FROM dim")).as("nothing was written").isZero();
  }

  @Test
  void aUniqueKeyOnOtherColumnsThanTheMergeKeysIsRefused() {
    db.exec("CREATE TABLE dim (customer_id INT NOT NULL, email VARCHAR(40) NOT NULL, revenue BIGINT NOT NULL,"
        + " CONSTRAINT dim_key UNIQUE (customer_id, email))");

    assertThatThrownBy(() -> backfill(Path.RECORDS, WriteStrategy.merge("customer_id")).plan(RANGE))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("unique constraint on exactly (customer_id)", "only the unique keys (customer_id, email)");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Path.class)
  void aUniqueKeyOnExactlyTheMergeKeysInAnyOrderIsAccepted(Path path) {
    db.exec("CREATE TABLE dim (customer_id INT NOT NULL, email VARCHAR(40) NOT NULL, revenue BIGINT NOT NULL,"
        + " PRIMARY KEY (email, customer_id))");
    Backfill<?> backfill = backfill(path, WriteStrategy.merge("customer_id", "email"));

    BackfillPlan plan = backfill.plan(RANGE);
    assertThat(plan.warnings()).isEmpty();
    assertThat(backfill.execute(plan).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    RunReport again = backfill.execute(backfill.plan(RANGE, PlanOptions.defaults().select(Selection.RESTATE))).await();

    assertThat(again.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(db.lines("SELECT customer_id, revenue FROM dim ORDER BY customer_id"))
        .containsExactly("1|301", "2|302", "3|303");
  }

  @Test
  void executeChecksAgainWhenTheKeyWasDroppedAfterPlanning() {
    db.exec("CREATE TABLE dim (customer_id INT NOT NULL, email VARCHAR(40) NOT NULL, revenue BIGINT NOT NULL)",
        "CREATE UNIQUE INDEX dim_key ON dim (customer_id)");
    Backfill<?> backfill = backfill(Path.RECORDS, WriteStrategy.merge("customer_id"));
    BackfillPlan plan = backfill.plan(RANGE);
    db.exec(db.dropIndexSql("dim_key", "dim"));

    assertThatThrownBy(() -> backfill.execute(plan))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContainingAll("merge(customer_id) into dim", "has no unique key");
    assertThat(store.runs("dim")).as("no run was created").isEmpty();
    assertThat(db.count("SELECT count(*) FROM dim")).as("nothing was written").isZero();
  }

  @Test
  void otherUniqueKeysAreListedInThePlanWhereTheyAlsoTriggerTheUpsert() {
    db.exec("CREATE TABLE dim (customer_id INT NOT NULL PRIMARY KEY, email VARCHAR(40) NOT NULL, revenue BIGINT NOT NULL,"
        + " CONSTRAINT dim_email UNIQUE (email))");

    BackfillPlan plan = backfill(Path.RECORDS, WriteStrategy.merge("customer_id")).plan(RANGE);

    // Only MariaDB's ON DUPLICATE KEY UPDATE also reacts to unique keys other than the merge keys.
    if (db.engine() == TestDatabase.Engine.MARIADB) {
      assertThat(plan.warnings()).singleElement().asString()
          .contains("merge(customer_id) into dim", "other unique keys (email)");
      assertThat(plan.describe()).contains("warning      merge(customer_id) into dim");
      assertThat(BackfillPlan.fromJson(plan.toJson()).warnings()).isEqualTo(plan.warnings());
    } else {
      assertThat(plan.warnings()).isEmpty();
    }
  }

  Backfill<?> backfill(Path path, WriteStrategy strategy) {
    String select = "SELECT customer_id, email, revenue FROM src WHERE " + db.q("day") + " = :start_date";
    Backfill.Builder<Object> builder = Backfill.builder("dim").partitioning(Partitioning.daily(ZoneOffset.UTC))
        .strategy(strategy).stateStore(store);
    return path == Path.RECORDS
        ? builder.source(JdbcSource.query(db.dataSource(), select)).destination(JdbcDestination.table(db.dataSource(), "dim"))
            .build()
        : builder.destination(JdbcDestination.table(db.dataSource(), "dim").fromQuery(select)).build();
  }
}
