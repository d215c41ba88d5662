package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.internal.PagedSliceReports;
import dev.backfill.internal.ReportJson;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a run: its status, every slice's final status, attempts and errors, and what the
 * run's guarantee was. Returned by {@link BackfillRun#await()}.
 *
 * @param runId run id
 * @param target target name
 * @param status final status of the run
 * @param guarantee exactly-once or at-least-once for this run's slices
 * @param slices every slice, in index order; for a run of more than 100,000 slices a read-only view that
 *     reads the state store page by page as it is walked (so a report of millions of slices fits a small
 *     heap), showing each slice as the store has it then, while {@link #counts()} and {@code rows} are
 *     as of the report
 * @param startedAt when this session of the run started
 * @param finishedAt when it ended
 * @param rows rows committed by all slices of the run
 * @param message what happened in words (e.g. why a full rebuild did not swap)
 */
public record RunReport(String runId, String target, RunStatus status, Guarantee guarantee, List<SliceReport> slices,
    Instant startedAt, Instant finishedAt, long rows, String message) {

  /**
   * Validates the report.
   *
   * @param runId run id
   * @param target target
   * @param status status
   * @param guarantee guarantee
   * @param slices slices
   * @param startedAt start
   * @param finishedAt end
   * @param rows rows
   * @param message message
   */
  public RunReport {
    slices = slices instanceof PagedSliceReports ? slices : List.copyOf(slices);
  }

  /**
   * Tells whether every slice committed.
   *
   * @return true for a SUCCEEDED run
   */
  public boolean succeeded() {
    return status == RunStatus.SUCCEEDED;
  }

  /**
   * Counts slices by status.
   *
   * @return counts, only statuses present
   */
  public Map<SliceStatus, Integer> counts() {
    if (slices instanceof PagedSliceReports paged) {
      return paged.counts();
    }
    Map<SliceStatus, Integer> counts = new EnumMap<>(SliceStatus.class);
    slices.forEach(s -> counts.merge(s.status(), 1, Integer::sum));
    return counts;
  }

  /**
   * Counts slices with one status.
   *
   * @param status the status
   * @return how many slices have it
   */
  public int count(SliceStatus status) {
    if (slices instanceof PagedSliceReports paged) {
      return paged.counts().getOrDefault(status, 0);
    }
    return (int) slices.stream().filter(s -> s.status() == status).count();
  }

  /**
   * Returns the slices that committed.
   *
   * @return SUCCEEDED slices
   */
  public List<SliceReport> committed() {
    return withStatus(SliceStatus.SUCCEEDED);
  }

  /**
   * Returns the slices with one status.
   *
   * @param status the status
   * @return matching slices in index order
   */
  public List<SliceReport> withStatus(SliceStatus status) {
    return slices.stream().filter(s -> s.status() == status).toList();
  }

  /**
   * Finds a slice by key.
   *
   * @param key slice key
   * @return the slice, if in the run
   */
  public Optional<SliceReport> slice(String key) {
    return slices.stream().filter(s -> s.key().equals(key)).findFirst();
  }

  /**
   * Returns the duration of this session.
   *
   * @return finished minus started
   */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /**
   * Returns a one-paragraph summary.
   *
   * @return e.g. {@code run r-1 of orders SUCCEEDED: 31 slices (SUCCEEDED 31), 1,200 rows in 4s; exactly-once}
   */
  public String summary() {
    StringBuilder s = new StringBuilder("run ").append(runId).append(" of ").append(target).append(' ').append(status)
        .append(": ").append(slices.size()).append(" slices ").append(counts()).append(", ")
        .append(String.format(Locale.ROOT, "%,d", rows)).append(" rows in ").append(CostEstimate.human(duration()))
        .append("; ").append(guarantee == Guarantee.EXACTLY_ONCE ? "exactly-once" : "at-least-once");
    if (!message.isEmpty()) {
      s.append(". ").append(message);
    }
    return s.toString();
  }

  /**
   * Writes the report as JSON (Jackson): run, counts and slices; instants as ISO-8601 strings,
   * durations in milliseconds. Capped: a report of up to 2,000 slices lists every slice; of a bigger
   * one, the first 1,000, up to 1,000 failed or running ones and the slowest, as the run history's
   * reports do, while {@code counts} cover every slice and {@code slicesNotShown} tells how many are
   * left out (0 when none). {@link #writeJson(Writer)} streams every slice instead;
   * {@link RunHistory#run(String)} has the full history of a run.
   *
   * @return JSON text
   */
  public String toJson() {
    return ReportJson.write(this);
  }

  /**
   * Streams the report as JSON with every slice, in the shape of {@link #toJson()} with
   * {@code slicesNotShown} 0: slice objects are written one at a time as the slices are walked (page by
   * page from the state store for a big run), so a report of millions of slices needs no more memory
   * than one page.
   *
   * <pre>{@code
   * try (Writer out = Files.newBufferedWriter(Path.of("report.json"))) {
   *   report.writeJson(out);
   * }
   * }</pre>
   *
   * @param out where the JSON goes; flushed when done, not closed
   * @throws UncheckedIOException when {@code out} cannot be written
   */
  public void writeJson(Writer out) {
    ReportJson.write(this, requireNonNull(out, "out"));
  }

  /**
   * Describes the report without listing its slices, which may be millions: run, target, status,
   * guarantee, the number of slices and their counts, times, rows and message.
   *
   * @return e.g. {@code RunReport[runId=r-1, target=orders, status=SUCCEEDED, guarantee=EXACTLY_ONCE,
   *     slices=31 {SUCCEEDED=31}, startedAt=..., finishedAt=..., rows=1200, message=]}
   */
  @Override
  public String toString() {
    return "RunReport[runId=" + runId + ", target=" + target + ", status=" + status + ", guarantee=" + guarantee
        + ", slices=" + slices.size() + " " + counts() + ", startedAt=" + startedAt + ", finishedAt=" + finishedAt
        + ", rows=" + rows + ", message=" + message + "]";
  }
}
