package dev.backfill.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps the side-by-side comparison compiling and runnable in CI with tiny sizes: every contender
 * on every engine must leave the destination equal to the source, and a contender that loses a
 * day must be reported as failed (the check behind the figures can fail).
 */
class ComparisonSmokeTest {

  private static final Dataset TINY = new Dataset(3_000, 3, LocalDate.of(2024, 1, 1));

  @Test
  void everyContenderOnEveryEngineWritesExactlyTheSource() {
    Comparison c = new Comparison(new Comparison.Settings(List.of(Engine.H2, Engine.POSTGRES, Engine.MARIADB),
        List.of(Strategy.values()), List.of(new OursContender(), new HandWrittenJdbc(), new PostgresCopy(),
        new SpringBatchContender()), TINY, 2, 0, 1)).run();
    String table = c.table();
    System.out.println(table);

    assertThat(c.anyFailure()).as(table).isFalse();
    for (String engine : List.of("h2", "postgres", "mariadb")) {
      for (String strategy : List.of("append", "overwrite", "merge", "pushdown")) {
        assertThat(table).contains("| " + engine + " | " + strategy + " | ours |")
            .contains("| " + engine + " | " + strategy + " | jdbc |");
      }
      for (String strategy : List.of("append", "overwrite", "merge")) {
        assertThat(table).contains("| " + engine + " | " + strategy + " | spring-batch |");
      }
    }
    assertThat(table).contains("| postgres | append | jdbc-copy |").doesNotContain("| h2 | append | jdbc-copy |");
    // ours into a table partitioned by day vs hand-written DELETE + insert (and COPY) into the plain table
    assertThat(table).contains("| postgres | overwrite-partitioned | ours |", "| postgres | overwrite-partitioned | jdbc-copy |",
        "| mariadb | overwrite-partitioned | ours |", "| mariadb | overwrite-partitioned | jdbc |")
        .doesNotContain("| h2 | overwrite-partitioned |");
  }

  @Test
  void aContenderThatLosesADayIsReportedAsFailed() {
    Contender lossy = new HandWrittenJdbc() {
      @Override
      public String name() {
        return "jdbc-lossy";
      }

      @Override
      public long run(BenchDatabase db, Strategy strategy, int concurrency) throws Exception {
        long rows = super.run(db, strategy, concurrency);
        try (Connection conn = db.dataSource().getConnection();
             PreparedStatement delete = conn.prepareStatement("DELETE FROM " + BenchDatabase.DESTINATION + " WHERE day = ?")) {
          delete.setDate(1, Date.valueOf(TINY.lastDay()));
          delete.executeUpdate();
        }
        return rows;
      }
    };
    Comparison c = new Comparison(new Comparison.Settings(List.of(Engine.H2), List.of(Strategy.APPEND),
        List.of(new OursContender(), lossy), TINY, 1, 0, 1)).run();

    assertThat(c.anyFailure()).isTrue();
    assertThat(c.table()).contains("| h2 | append | jdbc-lossy | — | failed: java.lang.IllegalStateException: jdbc-lossy on h2 left bench_dst with (rows, sum id, sum amount) = (2000,")
        .contains("| h2 | append | ours |");
  }
}
