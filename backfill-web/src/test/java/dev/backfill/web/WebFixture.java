package dev.backfill.web;

import dev.backfill.Backfill;
import dev.backfill.CheckResult;
import dev.backfill.Guarantee;
import dev.backfill.Partitioning;
import dev.backfill.Row;
import dev.backfill.RunStatus;
import dev.backfill.SliceStatus;
import dev.backfill.WriteStrategy;
import dev.backfill.spi.ResourceProvider;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceOutcome;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import dev.backfill.testkit.InMemoryDestination;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** Runs for the run page to show: a slow daily backfill, and a run whose user data is hostile markup. */
final class WebFixture {
  /** A partition key, an error and a log line that would run script if they were not escaped. */
  static final String KEY = "<script>document.title='pwned-key'</script>";
  static final String ERROR = "<script>document.title='pwned-error'</script> upstream said <b>no</b>";
  static final String LOG = "12:00:00.000 WARN  Pipeline - <script>document.title='pwned-log'</script>";

  private WebFixture() {}

  /** A daily backfill whose slices take {@code millis} each and whose {@code failing} day fails. */
  static Backfill<Row> daily(StateStore store, long millis, String failing) {
    return Backfill.builder("mart.daily")
        .partitioning(Partitioning.daily(ZoneOffset.UTC).named("day"))
        .<Row>source((slice, ctx, sink) -> {
          LocalDate day = (LocalDate) slice.tokens().get("start_date");
          if (day.toString().equals(failing)) {
            throw new IllegalStateException("no upstream data for " + day);
          }
          Thread.sleep(millis);
          sink.accept(Row.of("day", day, "n", 1));
        })
        .destination(InMemoryDestination.create())
        .strategy(WriteStrategy.overwritePartition("day"))
        .stateStore(store)
        .build();
  }

  /** A finished run of target {@code <i>ops</i>} whose one slice has a hostile key, error and log line. */
  static String hostileRun(StateStore store) {
    String runId = "r-hostile";
    Instant t0 = store.now().minusSeconds(60);
    store.createRun(new RunRecord(runId, "ops", RunStatus.RUNNING, "", Guarantee.AT_LEAST_ONCE, "{}", 1, t0, null, ""),
        List.of(SliceRecord.pending(runId, 0, KEY, List.of(KEY))));
    SliceLease lease = store.claim(runId, "worker-<i>1</i>", Duration.ofMinutes(1)).orElseThrow();
    store.complete(lease, new SliceOutcome(SliceStatus.FAILED, 0, t0, t0.plusSeconds(2), ERROR,
        List.of(new CheckResult("minRows(1)", false, CheckResult.Severity.ERROR, "<script>document.title='pwned-check'</script>")), LOG),
        ResourceProvider.NONE);
    store.updateRun(runId, RunStatus.FAILED, t0.plusSeconds(3), "<script>document.title='pwned-message'</script>");
    return runId;
  }
}
