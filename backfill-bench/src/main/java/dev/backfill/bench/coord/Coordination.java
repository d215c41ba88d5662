package dev.backfill.bench.coord;

import dev.backfill.bench.compare.BenchDatabase;
import dev.backfill.bench.compare.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The coordination bench (issue 17): the same number of no-op tasks worked by the same number of
 * worker JVMs and threads through ours (a {@code JdbcStateStore}, exactly-once slices) and through
 * db-scheduler, on the same database in the same run. Each worker JVM is started, connected and told
 * to go at the same moment; throughput is tasks ÷ (last task's end − first task's start), wall clock
 * shared by the JVMs of this machine, so JVM start-up and run creation are outside the window.
 * {@code --profile} instead works one round in this JVM through a {@link CountingDataSource} and prints
 * the JDBC calls per task.
 */
public final class Coordination {
  private static final long TIMEOUT_MILLIS = 600_000;

  /**
   * What to measure.
   *
   * @param engines databases
   * @param jvms worker JVM counts
   * @param threads threads per JVM
   * @param tasks tasks per round
   * @param reps measured rounds per configuration (the median is reported)
   * @param contenders contender names
   * @param warmupTasks no-op tasks per worker JVM before the measured round (0: none, the JVMs start cold)
   * @param warmupTogether whether the JVMs work their warm-up tasks together, in one round shaped like the
   *     measured one (the first JVM plans it, the others join it), rather than each alone in a round of
   *     its own: then the measured round starts with the code the JIT compiler compiled for that shape
   */
  public record Settings(List<Engine> engines, List<Integer> jvms, int threads, int tasks, int reps,
      List<String> contenders, int warmupTasks, boolean warmupTogether) {}

  private Coordination() {}

  static Contender contender(String name) {
    return switch (name) {
      case "ours" -> new OursCoordination();
      case "db-scheduler" -> new DbSchedulerCoordination();
      default -> throw new IllegalArgumentException("unknown contender '" + name + "'; expected ours or db-scheduler");
    };
  }

  private static String roundName(String contender, int jvms, int rep) {
    return (contender.equals("ours") ? "o" : "d") + jvms + "r" + rep + "_"
        + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36).substring(0, 6);
  }

  /**
   * Measures every configuration and returns the Markdown table.
   *
   * @param s settings
   * @return the table
   * @throws Exception on failure
   */
  public static String run(Settings s) throws Exception {
    StringBuilder table = new StringBuilder("| engine | JVMs × threads | tasks | warm-up tasks per JVM | contender |"
        + " tasks/s (median) | each round | ours ÷ db-scheduler | steady tasks/s (median) | steady ÷ db-scheduler |\n"
        + "|---|---|---:|---:|---|---:|---|---:|---:|---:|\n");
    for (Engine engine : s.engines()) {
      try (BenchDatabase db = BenchDatabase.open(engine, 4)) {
        for (int jvms : s.jvms()) {
          Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
          Map<String, List<Double>> steadyRates = new java.util.LinkedHashMap<>();
          for (int rep = 0; rep < s.reps(); rep++) {
            List<String> order = new ArrayList<>(s.contenders());
            if (rep % 2 == 1) {
              java.util.Collections.reverse(order);
            }
            for (String name : order) {
              double[] rate = round(db, contender(name), name, jvms, s.threads(), s.tasks(), rep, s.warmupTasks(),
                  s.warmupTogether());
              System.out.printf(Locale.ROOT, "%s %d JVMs x %d: %s %.0f tasks/s, steady %.0f%n", engine.label(), jvms,
                  s.threads(), name, rate[0], rate[1]);
              rates.computeIfAbsent(name, k -> new ArrayList<>()).add(rate[0]);
              steadyRates.computeIfAbsent(name, k -> new ArrayList<>()).add(rate[1]);
            }
          }
          Double ours = rates.containsKey("ours") ? median(rates.get("ours")) : null;
          Double theirs = rates.containsKey("db-scheduler") ? median(rates.get("db-scheduler")) : null;
          Double oursSteady = steadyRates.containsKey("ours") ? median(steadyRates.get("ours")) : null;
          Double theirsSteady = steadyRates.containsKey("db-scheduler") ? median(steadyRates.get("db-scheduler")) : null;
          for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            boolean both = e.getKey().equals("ours") && ours != null && theirs != null;
            table.append(String.format(Locale.ROOT, "| %s | %d × %d | %,d | %,d%s | %s | %,.0f | %s | %s | %,.0f | %s |%n",
                engine.label(), jvms, s.threads(), s.tasks(), s.warmupTasks(),
                s.warmupTogether() && s.warmupTasks() > 0 ? " together" : "", e.getKey(), median(e.getValue()),
                String.join(", ", e.getValue().stream().map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList()),
                both ? String.format(Locale.ROOT, "%.2f×", ours / theirs) : "", median(steadyRates.get(e.getKey())),
                both && oursSteady != null && theirsSteady != null
                    ? String.format(Locale.ROOT, "%.2f×", oursSteady / theirsSteady) : ""));
          }
        }
      }
    }
    return table.toString();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Works one round; returns its rate over the whole round (tasks ÷ (last end − first start)) and its
   * steady rate, after the first quarter of the tasks ended: the worker JVMs start fresh each round, so
   * without a warm-up the first seconds also pay for class loading and the JIT compiler on the same
   * two cores. With {@code warmupTasks}, each worker JVM first works a round of its own (alone, as the
   * round's first JVM) before it says it is ready, so the measured round starts with compiled code;
   * {@code together}, the JVMs work all their warm-up tasks in one round shaped like the measured one.
   * Before the JVMs start, the tables are vacuumed ({@link BenchDatabase#vacuum()}), so a round does not
   * pay for the dead rows of the rounds before it.
   */
  private static double[] round(BenchDatabase db, Contender contender, String name, int jvms, int threads, int tasks,
      int rep, int warmupTasks, boolean together) throws Exception {
    String round = roundName(name, jvms, rep);
    contender.prepare(db.dataSource(), round, tasks);
    if (warmupTasks > 0 && together) {
      contender.prepare(db.dataSource(), round + "_w", warmupTasks * jvms);
    }
    for (int i = 0; warmupTasks > 0 && !together && i < jvms; i++) {
      contender.prepare(db.dataSource(), round + "_w" + i, warmupTasks);
    }
    db.vacuum();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path logs = Files.createDirectories(Path.of("target", "coordination"));
    List<Process> children = new ArrayList<>();
    List<BufferedReader> outs = new ArrayList<>();
    try {
      for (int i = 0; i < jvms; i++) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
        // e.g. -Dbench.childJavaOptions=-XX:StartFlightRecording=filename=target/w.jfr to profile the workers
        String extra = System.getProperty("bench.childJavaOptions", "").strip();
        if (!extra.isEmpty()) {
          command.addAll(List.of(extra.replace("{worker}", round + "-w" + i).split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
            CoordinationChild.class.getName(), name, db.url(), round, String.valueOf(tasks), String.valueOf(threads),
            String.valueOf(i == 0), "w" + i, together ? round + "_w" : round + "_w" + i,
            String.valueOf(together ? warmupTasks * jvms : warmupTasks), String.valueOf(!together || i == 0)));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(logs.resolve(round + "-w" + i + ".log").toFile());
        Process p = pb.start();
        children.add(p);
        outs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (int i = 0; i < jvms; i++) {
        expect(outs.get(i), "READY", round, i);
      }
      for (Process p : children) {
        say(p, "GO");
      }
      long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
      while (!contender.done(db.dataSource(), round, tasks)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("round " + round + " did not finish in " + TIMEOUT_MILLIS + " ms");
        }
        Thread.sleep(20);
      }
      for (Process p : children) {
        say(p, "STOP");
      }
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      long count = 0;
      List<Long> ends = new ArrayList<>();
      for (int i = 0; i < jvms; i++) {
        String[] w = expect(outs.get(i), "WINDOW", round, i).split(" ");
        if (Long.parseLong(w[3]) > 0) {
          first = Math.min(first, Long.parseLong(w[1]));
          last = Math.max(last, Long.parseLong(w[2]));
          count += Long.parseLong(w[3]);
        }
        for (int e = 4; e < w.length; e++) {
          ends.add(Long.parseLong(w[e]));
        }
        if (!children.get(i).waitFor(60, TimeUnit.SECONDS) || children.get(i).exitValue() != 0) {
          throw new IllegalStateException("worker " + i + " of round " + round + " failed; see " + logs);
        }
      }
      if (count < tasks) {
        throw new IllegalStateException("round " + round + " ran " + count + " of " + tasks + " tasks");
      }
      ends.sort(null);
      int quarter = ends.size() / 4;
      double steady = (ends.size() - quarter) * 1000.0
          / Math.max(1, ends.get(ends.size() - 1) - ends.get(Math.max(0, quarter - 1)));
      return new double[] {tasks * 1000.0 / Math.max(1, last - first), steady};
    } finally {
      for (Process p : children) {
        p.destroyForcibly();
      }
    }
  }

  private static void say(Process p, String line) throws IOException {
    Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    w.write(line + "\n");
    w.flush();
  }

  private static String expect(BufferedReader in, String prefix, String round, int worker) throws IOException {
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("worker " + worker + " of round " + round + " ended before " + prefix
        + "; see target/coordination/" + round + "-w" + worker + ".log");
  }

  /**
   * Works one round of each contender in this JVM (one JVM × {@code threads}) through a counting
   * data source and returns the JDBC calls per task as a Markdown table.
   *
   * @param engine the database
   * @param contenders contender names
   * @param threads threads
   * @param tasks tasks
   * @return the table
   * @throws Exception on failure
   */
  public static String profile(Engine engine, List<String> contenders, int threads, int tasks) throws Exception {
    StringBuilder out = new StringBuilder();
    try (BenchDatabase db = BenchDatabase.open(engine, threads * 2 + 2)) {
      for (String name : contenders) {
        Contender c = contender(name);
        String round = roundName(name, 1, 0);
        c.prepare(db.dataSource(), round, tasks);
        CountingDataSource.Counted counted = CountingDataSource.wrap(db.dataSource());
        Window window = new Window();
        c.work(counted.dataSource(), round, tasks, threads, true, "w0", window, () -> {
          try {
            while (!c.done(db.dataSource(), round, tasks)) {
              Thread.sleep(20);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        Map<String, Long> counts = counted.counter().snapshot();
        // PostgreSQL's driver switches auto-commit locally (BEGIN rides on the next statement)
        long total = counts.entrySet().stream()
            .filter(e -> engine != Engine.POSTGRES || !e.getKey().equals("autocommit switch"))
            .mapToLong(Map.Entry::getValue).sum();
        out.append(String.format(Locale.ROOT, "%n%s, %s, 1 JVM × %d threads, %,d tasks: %.2f round trips per task"
            + "%s%n", engine.label(), name, threads, tasks, total / (double) tasks,
            engine == Engine.POSTGRES ? " (auto-commit switches are local on PostgreSQL and not counted)" : ""));
        out.append("| call | per task |\n|---|---:|\n");
        counts.forEach((k, v) -> out.append(String.format(Locale.ROOT, "| %s | %.2f |%n", k, v / (double) tasks)));
      }
    }
    return out.toString();
  }
}
