package dev.backfill.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.spi.SliceRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL: a slice whose first batch holds 256 rows or more is COPYed into a temporary table. */
class PostgresFastMergeTest extends AbstractFastMergeTest {
  @Override
  TestDatabase.Engine engine() {
    return TestDatabase.Engine.POSTGRES;
  }

  @Override
  String metric() {
    return "jdbc.staged_merge_rows";
  }

  @Override
  int rowByRowBatch() {
    return 100;
  }

  /**
   * Keys written once are upserted by one statement; a key written three times makes that statement
   * fail (one statement cannot update a row twice), which falls back to three rounds.
   */
  @Test
  void oneStatementUnlessAKeyRepeatsThenOneRoundPerRepetition() {
    RunReport once = run("staged", Variant.NEWER_BY, 1000, false);
    RunReport repeated = run("rowwise", Variant.NEWER_BY, 1000, true);

    assertThat(once.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(repeated.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(rounds(once)).containsExactly(1.0, 1.0);
    assertThat(rounds(repeated)).containsExactly(3.0, 3.0);
  }

  List<Double> rounds(RunReport report) {
    return store.slices(report.runId()).stream().map(SliceRecord::stats)
        .map(s -> s.metrics().get("jdbc.staged_merge_rounds")).toList();
  }
}
