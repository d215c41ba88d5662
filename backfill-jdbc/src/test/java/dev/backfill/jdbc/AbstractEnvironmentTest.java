package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.Environment;
import dev.backfill.InvalidConfigurationException;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.RunStatus;
import dev.backfill.WriteStrategy;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Staging and production as two schemas of one database: a plan runs in staging without touching a
 * production object, then the same plan runs in production. Subclasses name the engine.
 */
abstract class AbstractEnvironmentTest extends EngineTest {
  static final PartitionRange DAYS = PartitionRange.of("2024-01-01", "2024-01-03");
  String prodSchema;
  String stagingSchema;
  Environment prod;
  Environment staging;

  @BeforeEach
  void schemas() {
    prodSchema = db.name() + "_prod";
    stagingSchema = db.name() + "_stg";
    String day = db.q("day");
    db.exec("CREATE TABLE events (" + day + " DATE NOT NULL, order_id INT NOT NULL, amount BIGINT NOT NULL)");
    for (String schema : new String[] {prodSchema, stagingSchema}) {
      db.exec("CREATE SCHEMA " + schema,
          "CREATE TABLE " + schema + ".orders (" + day + " DATE NOT NULL, order_id INT NOT NULL PRIMARY KEY,"
              + " amount BIGINT NOT NULL)");
    }
    for (int d = 1; d <= 3; d++) {
      for (int o = 1; o <= 3; o++) {
        db.exec("INSERT INTO events VALUES (DATE '2024-01-0" + d + "', " + (d * 10 + o) + ", " + (d * 100 + o) + ")");
      }
    }
    prod = Environment.production("prod").schema("mart", prodSchema).dataSource("warehouse", db.dataSource());
    staging = Environment.named("staging").schema("mart", stagingSchema).dataSource("warehouse", db.dataSource());
  }

  @AfterEach
  void dropSchemas() {
    db.dropSchema(prodSchema);
    db.dropSchema(stagingSchema);
  }

  /** The one factory both environments use: only the environment differs. */
  Backfill<?> build(Environment env) {
    return Backfill.builder("mart.orders").environment(env).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .stateStore(store).strategy(WriteStrategy.overwritePartition("day"))
        .destination(JdbcDestination.table(env.dataSource("warehouse"), env.table("mart.orders")).fromQuery(
            "SELECT " + db.q("day") + ", order_id, amount FROM events WHERE " + db.q("day") + " = :start_date"))
        .build();
  }

  long rows(String schema) {
    return db.count("SELECT count(*) FROM " + schema + ".orders");
  }

  @Test
  void aPlanRunsInStagingWithoutTouchingProductionThenTheSamePlanRunsInProduction() {
    Backfill<?> inStaging = build(staging);
    Backfill<?> inProd = build(prod);
    BackfillPlan plan = inStaging.plan(DAYS);

    assertThat(inStaging.execute(plan).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rows(stagingSchema)).isEqualTo(9);
    assertThat(rows(prodSchema)).as("no production object was touched").isZero();
    assertThat(store.runs("mart.orders")).as("nor production's history").isEmpty();
    assertThatThrownBy(() -> inProd.execute(plan)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("plan.forEnvironment(\"prod\")");

    assertThat(inProd.execute(plan.forEnvironment("prod")).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rows(prodSchema)).isEqualTo(9);
    assertThat(db.lines("SELECT order_id FROM " + prodSchema + ".orders ORDER BY order_id"))
        .isEqualTo(db.lines("SELECT order_id FROM " + stagingSchema + ".orders ORDER BY order_id"));
    assertThat(inProd.plan(DAYS).isEmpty()).as("production is done").isTrue();
  }
}
