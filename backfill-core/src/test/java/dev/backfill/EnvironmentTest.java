package dev.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * Environments: names resolved per environment, plans that record theirs and run only there, and a
 * plan promoted to production only after it succeeded in staging and while the history has not moved.
 */
class EnvironmentTest {
  static final PartitionRange JAN_1_TO_3 = PartitionRange.of("2024-01-01", "2024-01-03");
  static final Environment PROD = Environment.production("prod");
  static final Environment STAGING = Environment.named("staging").schema("mart", "mart_staging");

  final ManualTestClock clock = new ManualTestClock(Instant.parse("2024-06-01T00:00:00Z"));
  final InMemoryStateStore store = new InMemoryStateStore(clock);
  final TestDestination prodTable = new TestDestination();
  final TestDestination stagingTable = new TestDestination();

  Backfill<Row> build(Environment env) {
    return Backfill.builder("mart.orders").environment(env).partitioning(Partitioning.daily(ZoneOffset.UTC))
        .source(new TestSource(2)).destination(env == PROD ? prodTable : stagingTable)
        .strategy(WriteStrategy.overwritePartition("day")).stateStore(store).clock(clock).sleeper(Fixtures.NO_WAIT).build();
  }

  @Test
  void anEnvironmentResolvesTableNamesAndDataSources() {
    assertThat(STAGING.table("mart.orders")).isEqualTo("mart_staging.orders");
    assertThat(STAGING.table("ops.runs")).isEqualTo("ops.runs");
    assertThat(Environment.named("test").tableSuffix("_t").table("mart.orders")).isEqualTo("mart.orders_t");
    assertThat(PROD.table("dw.mart.orders")).isEqualTo("dw.mart.orders");
    assertThatThrownBy(() -> STAGING.table("mart.orders; drop table x")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("is not a plain SQL name");
    assertThatThrownBy(() -> STAGING.dataSource("warehouse")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("environment staging has no DataSource named 'warehouse'; it has [], register it with"
            + " dataSource(\"warehouse\", ds)");
    assertThatThrownBy(() -> Environment.named("Staging!")).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("environment name 'Staging!' is not valid");
  }

  @Test
  void aPlanRunsInStagingWithoutTouchingProductionThenIsPromotedWithTheSamePartitionsAndReasons() {
    Backfill<Row> staging = build(STAGING);
    Backfill<Row> prod = build(PROD);
    BackfillPlan plan = staging.plan(JAN_1_TO_3);
    assertThat(plan.options().environment()).isEqualTo("staging");
    assertThat(plan.describe()).contains("  environment  staging\n");

    assertThatThrownBy(() -> prod.execute(plan)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("is for environment staging, but this backfill writes to environment prod; once it"
            + " succeeded there, run plan.forEnvironment(\"prod\") here");
    assertThatThrownBy(() -> prod.execute(plan.forEnvironment("prod"))).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("was promoted from environment staging, but no run of it succeeded there");

    assertThat(staging.execute(plan).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(stagingTable.rows()).hasSize(6);
    assertThat(prodTable.rows()).as("staging never touched production").isEmpty();
    assertThat(prod.plan(JAN_1_TO_3).partitionCount()).as("production's history did not move").isEqualTo(3);
    assertThat(store.runs("mart.orders@staging")).hasSize(1);

    BackfillPlan promoted = plan.forEnvironment("prod");
    assertThat(promoted.slices()).isEqualTo(plan.slices());
    assertThat(promoted.promotedFrom()).contains("staging");
    assertThat(BackfillPlan.fromJson(promoted.toJson())).isEqualTo(promoted);
    assertThat(prod.execute(BackfillPlan.fromJson(promoted.toJson())).await().status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(prodTable.rows()).hasSize(6);
  }

  @Test
  void aPromotionIsRefusedNamingWhatChangedWhenTheHistoryMovedMeanwhile() {
    Backfill<Row> staging = build(STAGING);
    Backfill<Row> prod = build(PROD);
    BackfillPlan plan = staging.plan(JAN_1_TO_3);
    staging.execute(plan).await();
    prod.execute(prod.plan(PartitionRange.single("2024-01-02"))).await();   // someone ran a day in production

    assertThatThrownBy(() -> prod.execute(plan.forEnvironment("prod"))).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("the history of mart.orders moved since the plan was made at 2024-06-01T00:00:00Z:"
            + " 2024-01-02 was planned as MISSING but is not selected now")
        .hasMessageContaining("Plan again, run the new plan in staging, then promote it");
    assertThat(prodTable.rows()).as("only the day run directly").hasSize(2);
  }

  @Test
  void aStagingBackfillNeitherInvalidatesNorPlansAnotherEnvironment() {
    Backfill<Row> staging = build(STAGING);
    assertThatThrownBy(() -> staging.invalidate(JAN_1_TO_3)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("invalidate with the production backfill");
    assertThatThrownBy(() -> staging.plan(JAN_1_TO_3, PlanOptions.defaults().environment("prod")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("plan options name environment prod but the backfill of mart.orders is built for environment staging");
  }
}
