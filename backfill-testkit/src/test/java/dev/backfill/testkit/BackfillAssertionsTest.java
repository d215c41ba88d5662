package dev.backfill.testkit;

import static dev.backfill.testkit.BackfillAssertions.assertThatRows;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backfill.Guarantee;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The assertions fail with messages that say what differs, and pass when it does not. */
class BackfillAssertionsTest {
  private final RunReport report = new RunReport("run-1", "orders", RunStatus.FAILED, Guarantee.AT_LEAST_ONCE, List.of(
      new SliceReport(0, "2024-03-01", SliceStatus.SUCCEEDED, 1, 10, Optional.empty(), null, List.of()),
      new SliceReport(1, "2024-03-02", SliceStatus.SUCCEEDED, 3, 10, Optional.empty(), null, List.of()),
      new SliceReport(2, "2024-03-03", SliceStatus.FAILED, 3, 0, Optional.empty(), "SQLException[40P01]: deadlock", List.of())),
      Instant.EPOCH, Instant.EPOCH, 20, "1 slice failed");

  @Test
  void passingRunAssertionsChain() {
    assertThatCode(() -> assertThatRun(report).failed().hasSlices(3).hasAttempts("2024-03-02", 3).hasFailed("2024-03-03")
        .hasErrorContaining("2024-03-03", "40P01").hasRows(20).hasCount(SliceStatus.SUCCEEDED, 2)
        .hasOnlyUncommitted("2024-03-03").hasMessageContaining("failed").hasGuarantee(Guarantee.AT_LEAST_ONCE))
        .doesNotThrowAnyException();
  }

  @Test
  void failingRunAssertionsNameTheSliceAndShowTheReport() {
    assertThatThrownBy(() -> assertThatRun(report).succeeded())
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("expected run run-1 to be SUCCEEDED but it is FAILED")
        .hasMessageContaining("2024-03-03 FAILED after 3 attempt(s): SQLException[40P01]: deadlock");
    assertThatThrownBy(() -> assertThatRun(report).hasAttempts("2024-03-02", 1))
        .hasMessageContaining("expected slice 2024-03-02 to take 1 attempt(s) but it took 3");
    assertThatThrownBy(() -> assertThatRun(report).hasFailed("2024-03-01"))
        .hasMessageContaining("expected slice 2024-03-01 to be FAILED but it is SUCCEEDED");
    assertThatThrownBy(() -> assertThatRun(report).hasStatus("2024-04-01", SliceStatus.SUCCEEDED))
        .hasMessageContaining("run run-1 has no slice 2024-04-01; its slices are [2024-03-01, 2024-03-02, 2024-03-03]");
  }

  @Test
  void rowsCompareAsADatabaseWouldAndReportTheDifference() {
    List<Row> rows = List.of(Row.of("day", LocalDate.parse("2024-03-01"), "id", 1L), Row.of("day", LocalDate.parse("2024-03-01"), "id", 1L));

    assertThatCode(() -> assertThatRows(rows).hasSize(2).hasRowsWhere("day", "2024-03-01", 2)
        .containsExactlyInAnyOrder(Row.of("id", 1, "day", java.sql.Date.valueOf("2024-03-01")),
            Row.of("day", LocalDate.parse("2024-03-01"), "id", 1))).doesNotThrowAnyException();
    assertThatThrownBy(() -> assertThatRows(rows).hasUniqueKey("id"))
        .hasMessageContaining("expected [id] to be unique but found duplicates [[1] x2]");
    assertThatThrownBy(() -> assertThatRows(rows).containsExactlyInAnyOrder(Row.of("day", LocalDate.parse("2024-03-01"), "id", 2L)))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("missing 1 [{day=2024-03-01, id=2}]").hasMessageContaining("unexpected 2 [{day=2024-03-01, id=1} x2]");
  }
}
