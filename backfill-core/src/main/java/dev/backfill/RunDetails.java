package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.internal.HtmlReport;
import dev.backfill.internal.PagedList;
import dev.backfill.internal.ReportJson;
import dev.backfill.internal.StoredProgress;
import dev.backfill.spi.CancelRequest;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything the history knows about one run, from {@link RunHistory#run(String)}: its summary, the
 * persisted plan, the options and environment it was started with, a pending cancel request, and
 * every slice with its attempts, errors, timings, rows, checks and log excerpts. Render it as JSON
 * ({@link #toJson()}) or as one self-contained HTML report ({@link #toHtml()}).
 *
 * <p>Big runs: the slices of a run of more than 100,000 slices are not held in memory. {@link #slices()}
 * is then a read-only list that reads the state store one page of slices (with their attempts) at a
 * time as it is walked, keeping two pages; every walk reads the store again and sees the slices as
 * they are then. {@link #progress()}, {@link #retries()}, {@link #rows()} and {@link #slice(String)}
 * walk it, each once. The reports render every slice of a run of up to 2,000 slices; of a bigger one,
 * the first 1,000, up to 1,000 failed or running ones and the slowest, with a line saying how many
 * more are not shown (their counts and figures still cover every slice).
 *
 * <pre>{@code
 * RunDetails run = RunHistory.of(store).run(runId);
 * System.out.println(run.summary().state() + " " + run.progress().describe());
 * Files.writeString(Path.of("report.html"), run.toHtml());
 * }</pre>
 *
 * @param summary the run's summary (status, counts, who started it, stalled or not)
 * @param planJson the plan persisted with the run
 * @param environment the plan's environment ("" when unknown)
 * @param java Java version of the process that started the run ("" when unknown)
 * @param options execution options the run was started with, by name (empty when unknown)
 * @param cancelRequest a pending cancel request, or null
 * @param slices every slice in index order (read page by page for a big run, see above)
 * @param readAt the state store's time when this was read
 */
public record RunDetails(RunSummary summary, String planJson, String environment, String java,
    Map<String, String> options, @Nullable CancelRequest cancelRequest, List<SliceHistory> slices, Instant readAt) {

  /**
   * Validates the details.
   *
   * @param summary summary
   * @param planJson plan
   * @param environment environment
   * @param java Java version
   * @param options options
   * @param cancelRequest cancel request or null
   * @param slices slices
   * @param readAt read time
   */
  public RunDetails {
    requireNonNull(summary, "summary");
    requireNonNull(planJson, "planJson");
    requireNonNull(environment, "environment");
    requireNonNull(java, "java");
    requireNonNull(readAt, "readAt");
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    slices = slices instanceof PagedList ? slices : List.copyOf(slices);
  }

  /**
   * Returns the run id.
   *
   * @return run id
   */
  public String runId() {
    return summary.runId();
  }

  /**
   * Returns the plan the run executes.
   *
   * @return the plan
   * @throws PlanIntegrityException when the stored plan cannot be read
   */
  public BackfillPlan plan() {
    return BackfillPlan.fromJson(planJson);
  }

  /**
   * Describes the plan (slices, reasons, cost), or says why it cannot be read.
   *
   * @return the plan's description
   */
  public String planDescription() {
    try {
      return plan().describe();
    } catch (RuntimeException e) {
      return "the stored plan cannot be read: " + e.getMessage();
    }
  }

  /**
   * Returns the progress as the store shows it: done and remaining slices, failures, retries, rows,
   * throughput since creation, ETA from the options' concurrency and rate limit, p50/p95 and skew
   * outliers of the last attempts' durations.
   *
   * @return the snapshot
   */
  public Progress progress() {
    int concurrency = (int) Math.max(1, number("maxConcurrency", 1));
    // One walk of the slices for every figure: a big run's slices are read from the store as walked.
    StoredProgress.Tally tally = new StoredProgress.Tally();
    int retries = 0;
    for (SliceHistory s : slices) {
      tally.add(record(s));
      retries += s.retries();
    }
    return tally.progress(retries, summary.createdAt(), summary.finished().orElse(readAt), concurrency,
        number("slicesPerSecond", 0));
  }

  private double number(String option, double otherwise) {
    try {
      return Double.parseDouble(options.getOrDefault(option, ""));
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static dev.backfill.spi.SliceRecord record(SliceHistory s) {
    return new dev.backfill.spi.SliceRecord("", s.index(), s.key(), s.partitions(), s.status(), 0, 0, s.worker(),
        s.leaseUntil(), s.startedAt(), s.finishedAt(), s.rows(), s.error(), s.checks(), null);
  }

  /**
   * Counts attempts that failed transiently and were retried, over all slices.
   *
   * @return retries
   */
  public int retries() {
    return slices.stream().mapToInt(SliceHistory::retries).sum();
  }

  /**
   * Sums the rows committed by the run's succeeded slices.
   *
   * @return rows
   */
  public long rows() {
    return slices.stream().filter(s -> s.status() == SliceStatus.SUCCEEDED).mapToLong(SliceHistory::rows).sum();
  }

  /**
   * Finds the slice with a key, or covering a partition.
   *
   * @param keyOrPartition slice key or partition key
   * @return the slice, if in the run
   */
  public Optional<SliceHistory> slice(String keyOrPartition) {
    return slices.stream().filter(s -> s.covers(keyOrPartition)).findFirst();
  }

  /**
   * Writes the details as JSON (Jackson): summary, options, progress, slices with attempts and log
   * excerpts; instants as ISO-8601 strings, durations in milliseconds.
   *
   * @return JSON text
   */
  public String toJson() {
    return ReportJson.write(this);
  }

  /**
   * Renders the report as one self-contained HTML page (no network needed to view it): summary, slice
   * table with status, attempts and errors, a timeline of slices per worker, a duration chart with
   * skew outliers highlighted, retries and each slice's log excerpt. Every value is HTML-escaped.
   *
   * @return the HTML document
   */
  public String toHtml() {
    return HtmlReport.render(this);
  }

  /**
   * Renders the HTML report with extra markup, for pages that embed it (the run page of
   * {@code backfill-web} adds its refresh and cancel controls). The extras are inserted as they are:
   * escape every value in them.
   *
   * @param head markup added to the document's head
   * @param top markup placed under the title
   * @return the HTML document
   */
  public String toHtml(String head, String top) {
    return HtmlReport.render(this, head, top);
  }

  /**
   * Describes the run without listing its slices, which may be millions, or its plan: the summary,
   * environment, Java version, options, any cancel request, the number of slices and when it was read.
   *
   * @return e.g. {@code RunDetails[summary=RunSummary[...], environment=prod, java=17.0.9, options={...},
   *     cancelRequest=null, slices=31, readAt=...]}
   */
  @Override
  public String toString() {
    return "RunDetails[summary=" + summary + ", environment=" + environment + ", java=" + java + ", options=" + options
        + ", cancelRequest=" + cancelRequest + ", slices=" + slices.size() + ", readAt=" + readAt + "]";
  }
}
