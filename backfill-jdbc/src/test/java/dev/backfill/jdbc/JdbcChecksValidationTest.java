package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Backfill;
import dev.backfill.PartitionRange;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.UnknownTokenException;
import dev.backfill.WriteStrategy;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class JdbcChecksValidationTest {

  @Test
  void sqlCheckNamingAnUnknownTokenFailsWhenTheBackfillIsBuiltBeforeAnyQuery() {
    try (TestDatabase db = TestDatabase.open(TestDatabase.Engine.H2)) {
      CountingDataSource counting = new CountingDataSource(db.dataSource());

      assertThatThrownBy(() -> Backfill.builder("orders")
          .partitioning(Partitioning.daily(ZoneOffset.UTC))
          .<Row>source((slice, ctx, sink) -> { })
          .destination(JdbcDestination.table(counting, "orders"))
          .strategy(WriteStrategy.append())
          .check(JdbcChecks.sql("SELECT count(*) FROM orders WHERE day = :start_dte", JdbcChecks.atLeast(1)))
          .build())
          .isInstanceOf(UnknownTokenException.class)
          .hasMessageContaining("unknown token 'start_dte'")
          .hasMessageContaining("start_date");
      assertThat(counting.connections()).isZero();
    }
  }

  @Test
  void sqlCheckNamingTheDayTokenFailsWhenPlannedInBatchesOfSeveralDays() {
    try (TestDatabase db = TestDatabase.open(TestDatabase.Engine.H2)) {
      Backfill<Row> backfill = Backfill.builder("orders")
          .partitioning(Partitioning.daily(ZoneOffset.UTC))
          .<Row>source((slice, ctx, sink) -> { })
          .destination(JdbcDestination.table(db.dataSource(), "orders"))
          .check(JdbcChecks.sql("SELECT count(*) FROM orders WHERE d = :day", JdbcChecks.atLeast(1)).warn())
          .build();

      assertThatThrownBy(() -> backfill.plan(PartitionRange.of("2024-03-01", "2024-03-31"),
          dev.backfill.PlanOptions.defaults().batchSize(7)))
          .isInstanceOf(UnknownTokenException.class)
          .hasMessageContaining("unknown token 'day'");
    }
  }
}
