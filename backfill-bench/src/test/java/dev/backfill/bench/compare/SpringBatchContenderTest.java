package dev.backfill.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Spring Batch contender on every engine: each strategy leaves the destination equal to the
 * source, reports the rows written, keeps its job history in the same database (cleared by reset),
 * and reports a failed job as an exception.
 */
class SpringBatchContenderTest {

  private static final Dataset DATA = new Dataset(6_000, 3, LocalDate.of(2024, 1, 1));

  @ParameterizedTest
  @EnumSource(Engine.class)
  void everyStrategyWritesExactlyTheSource(Engine engine) throws Exception {
    try (BenchDatabase db = BenchDatabase.open(engine, 6);
         SpringBatchContender contender = new SpringBatchContender()) {
      db.load(DATA);
      for (Strategy strategy : new Strategy[] {Strategy.APPEND, Strategy.OVERWRITE, Strategy.MERGE}) {
        db.resetDestination(strategy);
        contender.reset(db);
        assertThat(contender.run(db, strategy, 2)).as(strategy.label()).isEqualTo(DATA.rows());
        db.verify("spring-batch " + strategy.label());
        // one job, one manager step, one worker step per day
        assertThat(count(db, "BATCH_JOB_EXECUTION")).isEqualTo(1);
        assertThat(count(db, "BATCH_STEP_EXECUTION")).isEqualTo(1 + DATA.days());
      }
      assertThat(contender.supports(Strategy.PUSHDOWN, engine)).isFalse();

      // a destination without the expected table fails the job, and the failure names the cause
      try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
        st.execute("DROP TABLE " + BenchDatabase.DESTINATION);
      }
      assertThatThrownBy(() -> contender.run(db, Strategy.APPEND, 2))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("spring-batch job ended FAILED")
          .hasMessageContaining(BenchDatabase.DESTINATION);
    }
  }

  private static long count(BenchDatabase db, String table) throws Exception {
    try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
