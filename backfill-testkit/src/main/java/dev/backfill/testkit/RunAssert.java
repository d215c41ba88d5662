package dev.backfill.testkit;

import dev.backfill.Guarantee;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.SliceReport;
import dev.backfill.SliceStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.opentest4j.AssertionFailedError;

/**
 * Fluent assertions on a {@link RunReport}; start with {@link BackfillAssertions#assertThatRun}.
 * Every failure message ends with the report's summary and the slices that are not SUCCEEDED.
 */
public final class RunAssert {
  private final RunReport report;

  RunAssert(RunReport report) {
    this.report = report;
  }

  /**
   * Asserts the run SUCCEEDED.
   *
   * @return this
   */
  public RunAssert succeeded() {
    return hasRunStatus(RunStatus.SUCCEEDED);
  }

  /**
   * Asserts the run FAILED.
   *
   * @return this
   */
  public RunAssert failed() {
    return hasRunStatus(RunStatus.FAILED);
  }

  /**
   * Asserts the run was CANCELLED.
   *
   * @return this
   */
  public RunAssert cancelled() {
    return hasRunStatus(RunStatus.CANCELLED);
  }

  /**
   * Asserts the run's status.
   *
   * @param status expected status
   * @return this
   */
  public RunAssert hasRunStatus(RunStatus status) {
    if (report.status() != status) {
      fail("expected run " + report.runId() + " to be " + status + " but it is " + report.status(), status, report.status());
    }
    return this;
  }

  /**
   * Asserts the number of slices in the run.
   *
   * @param n expected slices
   * @return this
   */
  public RunAssert hasSlices(int n) {
    if (report.slices().size() != n) {
      fail("expected " + n + " slices but the run has " + report.slices().size(), n, report.slices().size());
    }
    return this;
  }

  /**
   * Asserts how many slices have a status.
   *
   * @param status the status
   * @param n expected count
   * @return this
   */
  public RunAssert hasCount(SliceStatus status, int n) {
    int actual = report.count(status);
    if (actual != n) {
      fail("expected " + n + " " + status + " slice(s) but found " + actual, n, actual);
    }
    return this;
  }

  /**
   * Asserts that these slices ended FAILED.
   *
   * @param keys slice keys
   * @return this
   */
  public RunAssert hasFailed(String... keys) {
    for (String key : keys) {
      hasStatus(key, SliceStatus.FAILED);
    }
    return this;
  }

  /**
   * Asserts that these slices failed their checks (FAILED_CHECK).
   *
   * @param keys slice keys
   * @return this
   */
  public RunAssert hasFailedCheck(String... keys) {
    for (String key : keys) {
      hasStatus(key, SliceStatus.FAILED_CHECK);
    }
    return this;
  }

  /**
   * Asserts that these slices committed.
   *
   * @param keys slice keys
   * @return this
   */
  public RunAssert hasSucceeded(String... keys) {
    for (String key : keys) {
      hasStatus(key, SliceStatus.SUCCEEDED);
    }
    return this;
  }

  /**
   * Asserts that exactly these slices did not commit, whatever their status.
   *
   * @param keys slice keys, in any order
   * @return this
   */
  public RunAssert hasOnlyUncommitted(String... keys) {
    List<String> actual = report.slices().stream().filter(s -> s.status() != SliceStatus.SUCCEEDED)
        .map(SliceReport::key).sorted().toList();
    List<String> expected = Arrays.stream(keys).sorted().toList();
    if (!actual.equals(expected)) {
      fail("expected exactly " + expected + " not to commit, but " + actual + " did not", expected, actual);
    }
    return this;
  }

  /**
   * Asserts a slice's status.
   *
   * @param key slice key
   * @param status expected status
   * @return this
   */
  public RunAssert hasStatus(String key, SliceStatus status) {
    SliceReport s = slice(key);
    if (s.status() != status) {
      fail("expected slice " + key + " to be " + status + " but it is " + s.status()
          + (s.error() == null ? "" : " (error: " + s.error() + ")"), status, s.status());
    }
    return this;
  }

  /**
   * Asserts how many attempts a slice took.
   *
   * @param key slice key
   * @param attempts expected attempts
   * @return this
   */
  public RunAssert hasAttempts(String key, int attempts) {
    SliceReport s = slice(key);
    if (s.attempts() != attempts) {
      fail("expected slice " + key + " to take " + attempts + " attempt(s) but it took " + s.attempts(), attempts,
          s.attempts());
    }
    return this;
  }

  /**
   * Asserts a slice's last error contains a text.
   *
   * @param key slice key
   * @param text expected part of the error
   * @return this
   */
  public RunAssert hasErrorContaining(String key, String text) {
    SliceReport s = slice(key);
    if (s.error() == null || !s.error().contains(text)) {
      fail("expected the error of slice " + key + " to contain \"" + text + "\" but it is " + s.error(), text, s.error());
    }
    return this;
  }

  /**
   * Asserts the committed rows of the run.
   *
   * @param rows expected rows
   * @return this
   */
  public RunAssert hasRows(long rows) {
    if (report.rows() != rows) {
      fail("expected " + rows + " committed rows but the run committed " + report.rows(), rows, report.rows());
    }
    return this;
  }

  /**
   * Asserts the run's message contains a text.
   *
   * @param text expected part of the message
   * @return this
   */
  public RunAssert hasMessageContaining(String text) {
    if (!report.message().contains(text)) {
      fail("expected the run message to contain \"" + text + "\" but it is \"" + report.message() + "\"", text,
          report.message());
    }
    return this;
  }

  /**
   * Asserts the run's guarantee.
   *
   * @param guarantee expected guarantee
   * @return this
   */
  public RunAssert hasGuarantee(Guarantee guarantee) {
    if (report.guarantee() != guarantee) {
      fail("expected a " + guarantee + " run but it is " + report.guarantee(), guarantee, report.guarantee());
    }
    return this;
  }

  /**
   * Returns the report under test.
   *
   * @return the report
   */
  public RunReport report() {
    return report;
  }

  private SliceReport slice(String key) {
    return report.slice(key).orElseThrow(() -> new AssertionFailedError("run " + report.runId() + " has no slice " + key
        + "; its slices are " + keys() + "\n" + context()));
  }

  private List<String> keys() {
    List<String> keys = report.slices().stream().map(SliceReport::key).toList();
    return keys.size() <= 12 ? keys : List.of(keys.get(0), "...", keys.get(keys.size() - 1));
  }

  private String context() {
    StringBuilder s = new StringBuilder(report.summary());
    report.slices().stream().filter(r -> r.status() != SliceStatus.SUCCEEDED).limit(10)
        .forEach(r -> s.append("\n  ").append(r.key()).append(' ').append(r.status()).append(" after ")
            .append(r.attempts()).append(" attempt(s)").append(r.error() == null ? "" : ": " + r.error()));
    return s.toString();
  }

  private void fail(String message, Object expected, Object actual) {
    throw new AssertionFailedError(message + "\n" + context(), Objects.toString(expected), Objects.toString(actual));
  }
}
