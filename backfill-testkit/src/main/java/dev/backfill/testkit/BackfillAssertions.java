package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Row;
import dev.backfill.RunReport;
import java.util.Collection;

/**
 * Entry point of the kit's fluent assertions, plain JUnit-style (failures are
 * {@code org.opentest4j.AssertionFailedError}s with expected and actual values, so IDEs show a diff).
 *
 * <pre>{@code
 * import static dev.backfill.testkit.BackfillAssertions.*;
 *
 * assertThatRun(report).succeeded().hasSlices(31).hasAttempts("2024-03-02", 3);
 * assertThatRun(failed).failed().hasFailed("2024-03-05").hasErrorContaining("2024-03-05", "40P01");
 * assertThatDestination(mart).hasSize(93).hasRowsWhere("day", LocalDate.parse("2024-03-02"), 3)
 *     .hasUniqueKey("day", "id");
 * }</pre>
 */
public final class BackfillAssertions {
  private BackfillAssertions() {}

  /**
   * Starts assertions on a run's report.
   *
   * @param report the report
   * @return assertions
   */
  public static RunAssert assertThatRun(RunReport report) {
    return new RunAssert(requireNonNull(report, "report"));
  }

  /**
   * Starts assertions on what readers of an in-memory destination see now.
   *
   * @param destination the destination
   * @return assertions on a snapshot of its visible rows
   */
  public static RowsAssert assertThatDestination(InMemoryDestination destination) {
    return new RowsAssert(destination.rows());
  }

  /**
   * Starts assertions on rows (from any destination).
   *
   * @param rows the rows
   * @return assertions
   */
  public static RowsAssert assertThatRows(Collection<Row> rows) {
    return new RowsAssert(rows);
  }
}
