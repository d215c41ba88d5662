package dev.backfill.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A full rebuild killed (SIGKILL) at every step of its end: before the swap, after the swap, after
 * the run's status. A new process then resumes the run; the live table always equals a clean
 * rebuild, the swap happened exactly once, and resuming again changes nothing. With the state store
 * on the destination's DataSource the swap and the SUCCEEDED commit together; with a store on another
 * DataSource (at-least-once) the swap is recorded in {@code backfill_swaps} in the same transaction, so
 * a resume after it swaps nothing (before this design such a resume swapped in an empty shadow).
 */
abstract class AbstractRebuildCrashTest extends EngineFixture {
  private static final int ROWS_PER_DAY = 3;

  static java.util.stream.Stream<Arguments> moments() {
    java.util.List<Arguments> out = new java.util.ArrayList<>();
    for (StopAt at : StopAt.values()) {
      out.add(Arguments.of(at, false));
      out.add(Arguments.of(at, true));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "killed {0}, separate store {1}")
  @MethodSource("moments")
  void aRebuildKilledAtItsEndIsResumedToACleanRebuildAndSwapsOnce(StopAt at, boolean separateStore) {
    String table = "rb_" + at.name().toLowerCase() + (separateStore ? "_sep" : "");
    DailyTarget target = new DailyTarget(db.dataSource(), table, DailyTarget.Kind.REBUILD, ROWS_PER_DAY);
    target.create();
    String runId = "rebuild-" + at + (separateStore ? "-sep" : "");
    Map<String, String> args = new HashMap<>(Map.of("mode", "execute", "url", db.jdbcUrl(), "user", db.user(),
        "table", table, "kind", "REBUILD", "rows", String.valueOf(ROWS_PER_DAY), "sleep", "0", "label", "v2",
        "run", runId, "worker", "child-" + at));
    args.put("stop", at.name());
    if (separateStore) {
      args.put("separateStore", "true");
    }
    try (ChildJvm child = ChildJvm.start("rebuild-" + engine() + "-" + at + (separateStore ? "-sep" : ""), args)) {
      child.await("AT " + at, Duration.ofSeconds(120));
      child.kill();
    }
    java.util.List<String> clean = expectedCleanRebuild(target);
    if (at == StopAt.BEFORE_SWAP) {
      assertThat(target.lines()).as("killed before the swap: the live table keeps its old rows")
          .isEqualTo(oldRows(target));
    } else {
      assertThat(target.lines()).as("killed after the swap: the live table holds the rebuild").isEqualTo(clean);
    }

    try (HikariDataSource other = separateStore ? db.newPool(null) : null) {
      StateStore resumeStore = separateStore ? JdbcStateStore.create(other) : store;
      Backfill<dev.backfill.Row> backfill = target.backfill(new GeneratedSource("v2", ROWS_PER_DAY, 0), resumeStore);
      RunReport resumed = backfill.resume(runId).await();

      assertThat(resumed.status()).as(resumed.summary()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(target.lines()).as("after the resume: a clean rebuild, row by row").isEqualTo(clean);
      assertThat(db.count("SELECT COUNT(*) FROM backfill_swaps WHERE run_id = '" + runId + "'"))
          .as("swaps of run %s", runId).isEqualTo(1);

      RunReport again = backfill.resume(runId).await();
      assertThat(again.message()).contains("already succeeded");
      assertThat(target.lines()).isEqualTo(clean);

      // the killed run's hold on the table does not block the next rebuild
      RunReport next = backfill.execute(backfill.plan(DailyTarget.range(), DailyTarget.planOptions(target))).await();
      assertThat(next.status()).as(next.summary()).isEqualTo(RunStatus.SUCCEEDED);
      assertThat(target.lines()).isEqualTo(clean);
    }
    System.out.printf("CRASH %s full rebuild killed %s (%s store): resumed to a clean rebuild, swapped once%n",
        engine(), at, separateStore ? "separate, at-least-once" : "shared, exactly-once");
  }

  private static java.util.List<String> expectedCleanRebuild(DailyTarget target) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (java.time.LocalDate day : DailyTarget.days()) {
      lines.addAll(target.expectedAfter(day, "v2"));
    }
    return lines;
  }

  private static java.util.List<String> oldRows(DailyTarget target) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (java.time.LocalDate day : DailyTarget.days()) {
      lines.addAll(target.expectedBefore(day));
    }
    return lines;
  }
}
