package dev.backfill.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs the JMH benchmarks with JMH's own command-line options (for example
 * {@code -prof gc ExecutorBenchmark}) and then prints the figures the goals are stated in:
 * microseconds per slice for the executor, milliseconds and bytes allocated per plan for the
 * planner.
 */
final class JmhCommand {

  private JmhCommand() {}

  /**
   * Runs JMH.
   *
   * @param args JMH command-line options
   * @return the results
   * @throws CommandLineOptionException on bad options
   * @throws RunnerException if a benchmark fails
   */
  static Collection<RunResult> run(String... args) throws CommandLineOptionException, RunnerException {
    exposeClassPath();
    return new Runner(new CommandLineOptions(args)).run();
  }

  /**
   * Forked benchmark JVMs get {@code java.class.path}; under {@code mvn exec:java} that is Maven's
   * own, so it is set to the project's class path first.
   */
  private static void exposeClassPath() {
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (URL url : loader.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException | IllegalArgumentException e) {
          entries.add(url.getPath());
        }
      }
      System.setProperty("java.class.path", String.join(File.pathSeparator, entries));
    }
  }

  /**
   * The per-slice and per-plan summary of JMH results.
   *
   * @param results what JMH returned
   * @return a Markdown table
   */
  static String summary(Collection<RunResult> results) {
    StringBuilder b = new StringBuilder();
    Map<String, String> rows = new TreeMap<>();
    for (RunResult r : results) {
      String bench = r.getParams().getBenchmark();
      String name = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
      Result<?> primary = r.getPrimaryResult();
      double ms = toMillis(primary.getScore(), primary.getScoreUnit());
      double err = toMillis(primary.getScoreError(), primary.getScoreUnit());
      StringBuilder params = new StringBuilder();
      for (String key : r.getParams().getParamsKeys()) {
        params.append(key).append('=').append(r.getParams().getParam(key)).append(' ');
      }
      String perUnit = "";
      String slices = r.getParams().getParam("slices");
      if (slices != null) {
        perUnit = String.format(Locale.ROOT, "%.2f µs/slice", ms * 1000 / Integer.parseInt(slices));
      }
      String alloc = allocated(r);
      rows.put(name + " " + params, String.format(Locale.ROOT, "| %s | %s| %,.1f ± %,.1f ms | %s | %s |", name, params, ms,
          Double.isNaN(err) ? 0 : err, perUnit, alloc));
    }
    b.append("| benchmark | params | time per run/plan | per slice | allocated per op |\n|---|---|---:|---:|---:|\n");
    rows.values().forEach(row -> b.append(row).append('\n'));
    return b.toString();
  }

  private static String allocated(RunResult r) {
    for (BenchmarkResult br : r.getBenchmarkResults()) {
      for (var e : br.getSecondaryResults().entrySet()) {
        if (e.getKey().endsWith("gc.alloc.rate.norm")) { // "·gc…" before JMH 1.35, "gc…" since
          return String.format(Locale.ROOT, "%,.1f MB", e.getValue().getScore() / 1e6);
        }
      }
    }
    return "(run with -prof gc)";
  }

  private static double toMillis(double value, String unit) {
    String u = unit.toLowerCase(Locale.ROOT);
    if (u.startsWith("s/")) {
      return value * 1000;
    } else if (u.startsWith("us/")) {
      return value / 1000;
    } else if (u.startsWith("ns/")) {
      return value / 1_000_000;
    }
    return value;
  }
}
