package dev.backfill.bench;

import dev.backfill.bench.compare.Comparison;
import dev.backfill.bench.compare.Contender;
import dev.backfill.bench.compare.Dataset;
import dev.backfill.bench.compare.Engine;
import dev.backfill.bench.compare.HandWrittenJdbc;
import dev.backfill.bench.compare.OursContender;
import dev.backfill.bench.compare.PostgresCopy;
import dev.backfill.bench.compare.SpringBatchContender;
import dev.backfill.bench.compare.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Entry point of the benchmarks: {@code compare} (side by side against hand-written JDBC and
 * Spring Batch), {@code coordination} (no-op tasks through our state store vs db-scheduler), {@code memory} (streaming and planner heap) and {@code jmh} (planner and executor
 * microbenchmarks). Run from the repository root, for example:
 *
 * <pre>{@code
 * MAVEN_OPTS=-Xmx1g mvn -B -q -pl backfill-bench -am compile exec:java -Dexec.args="compare"
 * }</pre>
 */
@Command(name = "backfill-bench", mixinStandardHelpOptions = true,
    subcommands = {BenchMain.Compare.class, BenchMain.Coordination.class, BenchMain.Memory.class, BenchMain.Jmh.class},
    description = "Benchmarks of Backfill for Java; see backfill-bench/README.md.")
public final class BenchMain implements Runnable {

  /**
   * Runs a command.
   *
   * @param args {@code compare …}, {@code memory …} or {@code jmh …}
   */
  public static void main(String[] args) {
    int code = new CommandLine(new BenchMain()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Stamps a result with when and under what load it was measured. */
  static String stamp() {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format(Locale.ROOT, "Measured %s on %d cores (load average %.2f at the end), Java %s, max heap %d MiB.",
        ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
        Runtime.getRuntime().availableProcessors(), load, System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  static void write(String out, String text) throws java.io.IOException {
    if (out != null && !out.isBlank()) {
      Path p = Path.of(out);
      if (p.getParent() != null) {
        Files.createDirectories(p.getParent());
      }
      Files.writeString(p, text);
      System.out.println("written to " + p.toAbsolutePath());
    }
  }

  /** The side-by-side comparison. */
  @Command(name = "compare", mixinStandardHelpOptions = true,
      description = "Ours vs hand-written JDBC vs Spring Batch on the same data; prints rows/s, ratios and heap.")
  static final class Compare implements Callable<Integer> {
    @Option(names = "--engines", split = ",", defaultValue = "h2,postgres,mariadb", description = "h2, postgres, mariadb")
    List<String> engines;

    @Option(names = "--strategies", split = ",", defaultValue = "append,overwrite,merge,pushdown,overwrite-partitioned",
        description = "append, overwrite, merge, pushdown, overwrite-partitioned")
    List<String> strategies;

    @Option(names = "--contenders", split = ",", defaultValue = "ours,jdbc,jdbc-copy,spring-batch",
        description = "ours, jdbc, jdbc-copy (PostgreSQL append and overwrite), spring-batch")
    List<String> contenders;

    @Option(names = "--rows", defaultValue = "1000000", description = "source rows (default ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--days", defaultValue = "30", description = "days, one slice each (default ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--concurrency", defaultValue = "2", description = "days in flight (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--warmups", defaultValue = "1", description = "warm-up runs (default ${DEFAULT-VALUE})")
    int warmups;

    @Option(names = "--reps", defaultValue = "3", description = "measured runs (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--out", defaultValue = "target/bench-compare.md", description = "Markdown copy of the table")
    String out;

    @Override
    public Integer call() throws Exception {
      List<Contender> all = List.of(new OursContender(), new HandWrittenJdbc(), new PostgresCopy(), new SpringBatchContender());
      List<Contender> chosen = new ArrayList<>();
      for (String name : contenders) {
        chosen.add(all.stream().filter(c -> c.name().equals(name.trim())).findFirst().orElseThrow(() ->
            new CommandLine.ParameterException(new CommandLine(this), "unknown contender '" + name
                + "'; expected one of ours, jdbc, jdbc-copy, spring-batch")));
      }
      Comparison comparison = new Comparison(new Comparison.Settings(engines.stream().map(Engine::parse).toList(),
          strategies.stream().map(Strategy::parse).toList(), chosen, new Dataset(rows, days, LocalDate.of(2024, 1, 1)),
          concurrency, warmups, reps)).run();
      String text = stamp() + "\n\n" + comparison.table();
      System.out.println(text);
      write(out, text);
      return comparison.anyFailure() ? 1 : 0;
    }
  }

  /** Ours vs db-scheduler on no-op tasks, 1 and 3 worker JVMs. */
  @Command(name = "coordination", mixinStandardHelpOptions = true,
      description = "No-op tasks through our JdbcStateStore (exactly-once slices) vs db-scheduler, same JVMs and threads;"
          + " run with plain java and the module's classpath (the worker JVMs reuse it), not exec:java.")
  static final class Coordination implements Callable<Integer> {
    @Option(names = "--engines", split = ",", defaultValue = "postgres,mariadb", description = "postgres, mariadb")
    List<String> engines;

    @Option(names = "--jvms", split = ",", defaultValue = "1,3", description = "worker JVM counts (default ${DEFAULT-VALUE})")
    List<Integer> jvms;

    @Option(names = "--threads", defaultValue = "4", description = "threads per JVM (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--tasks", defaultValue = "3000", description = "no-op tasks per round (default ${DEFAULT-VALUE})")
    int tasks;

    @Option(names = "--reps", defaultValue = "3", description = "rounds per configuration, median (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--contenders", split = ",", defaultValue = "ours,db-scheduler", description = "ours, db-scheduler")
    List<String> contenders;

    @Option(names = "--warmup-tasks", defaultValue = "0",
        description = "no-op tasks each worker JVM works alone before the measured round (default ${DEFAULT-VALUE}: cold)")
    int warmupTasks;

    @Option(names = "--warmup-together", description = "the worker JVMs work their warm-up tasks together, in one"
        + " round shaped like the measured one (first JVM plans, the others join), instead of each alone")
    boolean warmupTogether;

    @Option(names = "--profile", description = "count JDBC round trips per task instead (one JVM, in this process)")
    boolean profile;

    @Option(names = "--out", defaultValue = "target/bench-coordination.md", description = "Markdown copy of the table")
    String out;

    @Override
    public Integer call() throws Exception {
      StringBuilder text = new StringBuilder();
      for (String e : engines) {
        if (profile) {
          text.append(dev.backfill.bench.coord.Coordination.profile(Engine.parse(e), contenders, threads, tasks));
        }
      }
      if (!profile) {
        text.append(dev.backfill.bench.coord.Coordination.run(new dev.backfill.bench.coord.Coordination.Settings(
            engines.stream().map(Engine::parse).toList(), jvms, threads, tasks, reps, contenders, warmupTasks,
            warmupTogether)));
      }
      String result = stamp() + "\n\n" + text;
      System.out.println(result);
      write(out, result);
      return 0;
    }
  }

  /** The memory checks. */
  @Command(name = "memory", mixinStandardHelpOptions = true,
      description = "Peak heap of a 100k-row vs a 1M-row slice (streaming) and heap retained by a 1M-partition plan.")
  static final class Memory implements Callable<Integer> {
    @Option(names = "--engine", defaultValue = "postgres", description = "engine of the streaming check")
    String engine;

    @Option(names = "--small", defaultValue = "100000", description = "rows of the small slice")
    long small;

    @Option(names = "--large", defaultValue = "1000000", description = "rows of the large slice")
    long large;

    @Option(names = "--plan-partitions", defaultValue = "1000000", description = "partitions of the planner check")
    int planPartitions;

    @Option(names = "--out", defaultValue = "target/bench-memory.md", description = "Markdown copy of the result")
    String out;

    @Override
    public Integer call() throws Exception {
      Engine e = Engine.parse(engine);
      String text = MemoryCheck.describeStreaming(e, MemoryCheck.streaming(e, small, large)) + "\n"
          + MemoryCheck.planner(planPartitions);
      text = stamp() + "\n\n" + text;
      System.out.println(text);
      write(out, text);
      return 0;
    }
  }

  /** JMH, with its own options. */
  @Command(name = "jmh", mixinStandardHelpOptions = false,
      description = "Runs JMH with the given JMH options (e.g. -prof gc ExecutorBenchmark), then prints per-slice figures.")
  static final class Jmh implements Callable<Integer> {
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Option(names = "--out", defaultValue = "target/bench-jmh.md", description = "Markdown copy of the summary")
    String out;

    @Override
    public Integer call() throws Exception {
      Collection<RunResult> results = JmhCommand.run(jmhArgs.toArray(String[]::new));
      String text = stamp() + "\n\n" + JmhCommand.summary(results);
      System.out.println(text);
      write(out, text);
      return 0;
    }
  }
}
