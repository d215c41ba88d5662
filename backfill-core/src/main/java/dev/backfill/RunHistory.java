package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.internal.PagedList;
import dev.backfill.internal.RunInfo;
import dev.backfill.spi.CancelRequest;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceAttempt;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The operator's view of a state store: runs across targets (newest first, paged, filtered by status
 * and time), one run in full (plan, options, environment, who started it, slices with attempts,
 * errors, timings, rows, checks and log excerpts), stalled runs, and the two operator actions that need
 * no pipeline code: cancel a run (in whatever JVMs it works) and mark a stalled run failed. It reads
 * any {@link StateStore} (in-memory or JDBC); the {@code backfill} command and the run page
 * ({@code backfill-web}) are built on it.
 *
 * <pre>{@code
 * RunHistory history = RunHistory.of(JdbcStateStore.create(ds));   // or backfill.history()
 * for (RunSummary r : history.runs(RunFilter.all().status(RunStatus.RUNNING))) {
 *   System.out.println(r.runId() + " " + r.state() + " " + r.done() + "/" + r.slices());
 * }
 * RunDetails run = history.run(runId);
 * history.log(runId, "2024-03-05").ifPresent(System.out::println);
 * history.writeHtml(runId, Path.of("report.html"));
 * history.cancel(runId, CancelMode.GRACEFUL, "alice");
 * }</pre>
 *
 * <p>A run is <b>stalled</b> when the store says RUNNING (or FINISHING) but no worker vouches for it
 * any more: every worker process heartbeats while it takes part in a run, and every slice lease has
 * an end; when the latest of these has passed in the store's time, the run's processes are gone.
 * {@link RunSummary#stalledSince()} tells since when. Such a run can be resumed from the application
 * ({@link Backfill#resume}), which reruns only what did not commit, or marked failed here.
 */
public final class RunHistory {
  /** Slices (with their attempts) read per round trip. */
  static final int PAGE = 1_000;
  /** Runs up to this many slices have their slices read at once; bigger ones are read page by page. */
  static final int LISTED_IN_FULL = 100_000;

  private final StateStore store;

  private RunHistory(StateStore store) {
    this.store = store;
  }

  /**
   * Opens the history of a state store.
   *
   * @param store any state store
   * @return the history
   */
  public static RunHistory of(StateStore store) {
    return new RunHistory(requireNonNull(store, "store"));
  }

  /**
   * Lists the newest runs across all targets (the first page of {@link RunFilter#all()}).
   *
   * @return up to 50 runs, newest first
   */
  public List<RunSummary> runs() {
    return runs(RunFilter.all());
  }

  /**
   * Lists runs, newest first.
   *
   * @param filter target, statuses, creation window and page
   * @return the page of runs
   */
  public List<RunSummary> runs(RunFilter filter) {
    requireNonNull(filter, "filter");
    Instant now = store.now();
    return store.runs(filter).stream().map(r -> summarize(r, now)).toList();
  }

  /**
   * Lists every run of one target, newest first.
   *
   * @param target target name
   * @return the runs
   */
  public List<RunSummary> runsOf(String target) {
    Instant now = store.now();
    return store.runs(target).stream().map(r -> summarize(r, now)).toList();
  }

  /**
   * Returns one run's summary.
   *
   * @param runId run id
   * @return the summary, if the run exists
   */
  public Optional<RunSummary> summary(String runId) {
    return store.run(runId).map(r -> summarize(r, store.now()));
  }

  /**
   * Returns everything about one run. The slices of a run of up to {@value #LISTED_IN_FULL} slices
   * are read at once; those of a bigger run are a read-only list that reads the store one page of
   * slices and their attempts at a time as it is walked (see {@link RunDetails#slices()}), so that the
   * history of a run of millions of slices fits a small heap.
   *
   * @param runId run id
   * @return the details
   * @throws UnknownRunException when the store has no such run
   */
  public RunDetails run(String runId) {
    return run(runId, PAGE, LISTED_IN_FULL);
  }

  /** {@link #run(String)} with the page size and the size up to which slices are read at once given. */
  RunDetails run(String runId, int pageSize, int listedInFull) {
    RunRecord record = require(runId);
    Instant now = store.now();
    RunInfo info = RunInfo.parse(store.runInfo(runId));
    List<SliceHistory> slices = new PagedList<>(record.sliceCount(), pageSize, (from, limit) -> page(runId, from, limit),
        "the slices of run " + runId);
    if (record.sliceCount() <= listedInFull) {
      slices = List.copyOf(slices);   // small: read once, since reports walk the slices several times
    }
    return new RunDetails(summarize(record, now, info), record.planJson(), info.environment(), info.java(),
        info.options(), store.cancelRequest(runId).orElse(null), slices, now);
  }

  /** One page of slices with their attempts: two range reads, whatever the run's size. */
  private List<SliceHistory> page(String runId, int fromIndex, int limit) {
    List<SliceRecord> records = store.slices(runId, fromIndex, limit);
    Map<Integer, List<SliceAttempt>> attempts = store.attempts(runId, fromIndex, limit).stream()
        .collect(Collectors.groupingBy(SliceAttempt::index));
    return records.stream().map(r -> SliceHistory.of(r, attempts.getOrDefault(r.index(), List.of()))).toList();
  }

  /**
   * Returns one run's slices with their attempts, as {@link #run(String)} reads them: for a run of
   * more than {@value #LISTED_IN_FULL} slices, a read-only list that reads the store page by page.
   *
   * @param runId run id
   * @return slices in index order
   * @throws UnknownRunException when the store has no such run
   */
  public List<SliceHistory> slices(String runId) {
    return run(runId).slices();
  }

  /**
   * Returns the captured log lines of a slice, every attempt under a header, oldest first.
   *
   * @param runId run id
   * @param keyOrPartition the slice's key or one of its partition keys
   * @return the log, empty when the run has no such slice or no line was captured
   * @throws UnknownRunException when the store has no such run
   */
  public Optional<String> log(String runId, String keyOrPartition) {
    return run(runId).slice(keyOrPartition).map(SliceHistory::log).filter(s -> !s.isEmpty());
  }

  /**
   * Writes a run's HTML report ({@link RunDetails#toHtml()}) to a file.
   *
   * @param runId run id
   * @param file where to write; parent directories are created
   * @return the file
   * @throws UnknownRunException when the store has no such run
   * @throws UncheckedIOException when the file cannot be written
   */
  public Path writeHtml(String runId, Path file) {
    String html = run(runId).toHtml();
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report of run " + runId + " to " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Asks every worker of a run, in any process, to cancel: they see the request at their next
   * heartbeat or claim. GRACEFUL lets running slices finish; IMMEDIATE rolls them back. Resume the run
   * later to run what did not commit.
   *
   * @param runId run id
   * @param mode how to cancel
   * @param requestedBy who asks, kept in the history
   * @return what happened, in words
   * @throws UnknownRunException when the store has no such run
   * @throws IllegalStateException when the run has already ended
   */
  public String cancel(String runId, CancelMode mode, String requestedBy) {
    requireNonNull(mode, "mode");
    RunSummary run = summary(runId).orElseThrow(() -> unknown(runId));
    if (!store.requestCancel(runId, mode, requestedBy)) {
      throw new IllegalStateException("run " + runId + " is " + run.status() + "; only a RUNNING run can be cancelled");
    }
    if (run.stalled()) {
      return "cancel (" + mode + ") recorded, but run " + runId + " is stalled since " + run.stalledSince()
          + ": no worker is alive to see it; mark it failed or resume it";
    }
    return "cancel (" + mode + ") requested for run " + runId + "; its workers stop at their next heartbeat or claim";
  }

  /**
   * Marks a stalled run FAILED, so that it no longer shows as running; its slices stay as they are and
   * a resume still runs what did not commit.
   *
   * @param runId run id
   * @param by who marks it, kept in the run's message
   * @return the run's new summary
   * @throws UnknownRunException when the store has no such run
   * @throws IllegalStateException when the run is not stalled (live, or already ended)
   */
  public RunSummary markFailed(String runId, String by) {
    RunSummary run = summary(runId).orElseThrow(() -> unknown(runId));
    if (!run.stalled()) {
      throw new IllegalStateException("run " + runId + " is " + run.state() + (run.status() == RunStatus.RUNNING
          ? ": a worker is alive; cancel it instead" : "; only a stalled run can be marked failed"));
    }
    String message = "marked failed by " + by + ": stalled since " + run.stalledSince()
        + "; resume it to run the slices that did not commit";
    if (!store.transitionRun(runId, run.status(), RunStatus.FAILED, store.now(), message)) {
      throw new IllegalStateException("run " + runId + " changed meanwhile; look again");
    }
    return summary(runId).orElseThrow(() -> unknown(runId));
  }

  private RunRecord require(String runId) {
    return store.run(runId).orElseThrow(() -> unknown(runId));
  }

  private static UnknownRunException unknown(String runId) {
    return new UnknownRunException("unknown run id '" + runId + "'; list the runs to find one");
  }

  private RunSummary summarize(RunRecord r, Instant now) {
    return summarize(r, now, RunInfo.parse(store.runInfo(r.runId())));
  }

  private RunSummary summarize(RunRecord r, Instant now, RunInfo info) {
    Map<SliceStatus, Integer> counts = store.countSlices(r.runId());
    return RunSummary.of(r, counts, info.startedBy(), stalledSince(r, now));
  }

  private @Nullable Instant stalledSince(RunRecord r, Instant now) {
    if (r.status() != RunStatus.RUNNING && r.status() != RunStatus.FINISHING) {
      return null;
    }
    Optional<Instant> alive = store.aliveUntil(r.runId());
    if (alive.isEmpty()) {
      return r.createdAt();
    }
    return alive.get().isAfter(now) ? null : alive.get();
  }

  /**
   * Returns a pending cancel request.
   *
   * @param runId run id
   * @return the request, if any
   */
  public Optional<CancelRequest> cancelRequest(String runId) {
    return store.cancelRequest(runId);
  }

  /**
   * Writes runs as a JSON array (the shape the run page's {@code /api/runs} serves).
   *
   * @param runs summaries
   * @return JSON text
   */
  public static String toJson(List<RunSummary> runs) {
    return dev.backfill.internal.ReportJson.write(runs);
  }
}
