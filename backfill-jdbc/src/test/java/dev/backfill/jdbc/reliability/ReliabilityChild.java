package dev.backfill.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backfill.Backfill;
import dev.backfill.BackfillRun;
import dev.backfill.ExecutionOptions;
import dev.backfill.Row;
import dev.backfill.RunReport;
import dev.backfill.jdbc.JdbcStateStore;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Main class of the child JVMs that the crash and multi-worker tests start and kill. Arguments are
 * {@code key=value}: {@code url}, {@code user}, {@code table}, {@code kind}, {@code rows},
 * {@code sleep} (ms per partition), {@code run} (run id), {@code mode} ({@code execute}: plan and
 * execute the run; {@code join}: wait for the run to exist, then work it as one more worker),
 * {@code worker}, {@code lease} (ms), {@code concurrency} and {@code go} (if present, print READY and
 * start only when the parent writes a line to stdin). It prints marker lines
 * ({@link ChildJvm#MARKER}) the parent waits for.
 */
public final class ReliabilityChild {
  private ReliabilityChild() {}

  /**
   * Runs the child.
   *
   * @param argv key=value arguments
   * @throws Exception on any failure (the exit code is then not 0)
   */
  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args.get("url"));
    config.setUsername(args.get("user"));
    config.setPassword("");
    config.setMaximumPoolSize(8);
    config.setPoolName("child-" + args.get("worker"));
    try (HikariDataSource ds = new HikariDataSource(config);
        HikariDataSource storeDs = args.containsKey("separateStore") ? new HikariDataSource(config) : ds) {
      // another pool on the same database is another DataSource: the store cannot join the destination's
      // transactions, and the run is at-least-once
      StateStore store = StopAt.store(JdbcStateStore.create(storeDs), args.get("stop"));
      DailyTarget target = new DailyTarget(ds, args.get("table"), DailyTarget.Kind.valueOf(args.get("kind")),
          Integer.parseInt(args.get("rows")));
      Backfill<Row> backfill = target.backfillWrapped(new GeneratedSource(args.get("label"), target.rowsPerDay(),
          Long.parseLong(args.get("sleep"))), store, d -> StopAt.destination(d, args.get("stop")));
      String runId = args.get("run");
      ExecutionOptions options = DailyTarget.options()
          .maxConcurrency(Integer.parseInt(args.getOrDefault("concurrency", "2")))
          .workerId(args.get("worker"))
          .leaseTime(Duration.ofMillis(Long.parseLong(args.getOrDefault("lease", "300000"))))
          .runId(runId)
          .build();
      if (args.containsKey("go")) {
        // Everything is loaded and connected: wait for the parent to start all workers at once.
        System.out.println(ChildJvm.MARKER + "READY");
        new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
            .readLine();
      }
      BackfillRun run;
      if (args.get("mode").equals("execute")) {
        try {
          run = backfill.execute(backfill.plan(DailyTarget.range(), DailyTarget.planOptions(target)), options);
        } catch (dev.backfill.TargetBusyException e) {
          System.out.println(ChildJvm.MARKER + "REFUSED " + e.getMessage());
          System.exit(3);
          return;
        }
      } else {
        while (store.run(runId).isEmpty()) {
          Thread.sleep(20);
        }
        run = backfill.worker(runId, options);
      }
      System.out.println(ChildJvm.MARKER + "WORKING " + runId);
      RunReport report = run.await();
      System.out.println(ChildJvm.MARKER + "DONE " + report.status() + " " + report.message());
    }
    System.exit(0);
  }
}
