package dev.backfill.bench.compare;

import dev.backfill.bench.HeapMeter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every contender over the same data on each engine and prints one table: median rows per
 * second, the ratios ours / best hand-written and ours / Spring Batch against the goals, and peak
 * heap. Each (engine, strategy) gets warm-up runs, then {@code repetitions} measured runs in which
 * the contenders take turns (rotating the order each repetition, so drift in the machine's load
 * does not favour one). After every run the destination is checked against the source.
 */
public final class Comparison {
  private static final Logger log = LoggerFactory.getLogger(Comparison.class);

  /** The goal for ours / best hand-written, except pushdown. */
  public static final double GOAL_VS_JDBC = 0.9;
  /** The goal for ours / hand-written INSERT … SELECT. */
  public static final double GOAL_PUSHDOWN_VS_JDBC = 0.95;
  /** The goal (issue 17) for ours into a table partitioned by day / the best hand-written overwrite of a plain one. */
  public static final double GOAL_PARTITIONED_VS_JDBC = 2.0;
  /** The goal (issue 17) for our merge / the best hand-written batched upsert. */
  public static final double GOAL_MERGE_VS_JDBC = 1.3;
  /** The goal for ours / Spring Batch. */
  public static final double GOAL_VS_SPRING = 1.5;

  /**
   * What to compare.
   *
   * @param engines databases
   * @param strategies work
   * @param contenders ways of doing it; the one named {@code ours} is compared to the others
   * @param dataset source size
   * @param concurrency days in flight for every contender
   * @param warmups unmeasured runs per contender, engine and strategy
   * @param repetitions measured runs per contender, engine and strategy
   */
  public record Settings(List<Engine> engines, List<Strategy> strategies, List<Contender> contenders, Dataset dataset,
      int concurrency, int warmups, int repetitions) {}

  /** One measured run. */
  record Run(double seconds, long rows, HeapMeter.Reading heap) {}

  /** All runs of one contender on one engine and strategy, or the error that stopped it. */
  record Cell(List<Run> runs, String error) {
    double medianSeconds() {
      List<Double> s = new ArrayList<>(runs.stream().map(Run::seconds).toList());
      Collections.sort(s);
      int n = s.size();
      return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double rowsPerSecond() {
      return runs.get(0).rows() / medianSeconds();
    }

    double peakUsedMiB() {
      return runs.stream().mapToDouble(r -> r.heap().peakUsedMiB()).max().orElse(0);
    }

    double peakLiveMiB() {
      return runs.stream().mapToDouble(r -> r.heap().peakLiveMiB()).max().orElse(0);
    }
  }

  private final Settings settings;
  private final Map<Engine, Map<Strategy, Map<String, Cell>>> results = new EnumMap<>(Engine.class);
  private final Map<Engine, Double> loadSeconds = new EnumMap<>(Engine.class);

  /**
   * Creates a comparison.
   *
   * @param settings what to compare
   */
  public Comparison(Settings settings) {
    this.settings = settings;
  }

  /**
   * Runs everything; an engine that cannot be reached or a contender that fails is reported in the
   * table, and the rest goes on.
   *
   * @return this, to print
   */
  public Comparison run() {
    for (Engine engine : settings.engines()) {
      try (BenchDatabase db = BenchDatabase.open(engine, settings.concurrency() * 2 + 2)) {
        long t0 = System.nanoTime();
        db.load(settings.dataset());
        loadSeconds.put(engine, (System.nanoTime() - t0) / 1e9);
        log.info("{}: loaded {} rows in {} s", engine.label(), settings.dataset().rows(),
            String.format(Locale.ROOT, "%.1f", loadSeconds.get(engine)));
        for (Strategy strategy : settings.strategies()) {
          results.computeIfAbsent(engine, e -> new EnumMap<>(Strategy.class)).put(strategy, measure(db, strategy));
        }
      } catch (Exception e) {
        log.error("{}: {}", engine.label(), e.toString());
        Map<Strategy, Map<String, Cell>> failed = new EnumMap<>(Strategy.class);
        for (Strategy s : settings.strategies()) {
          Map<String, Cell> cells = new LinkedHashMap<>();
          settings.contenders().forEach(c -> cells.put(c.name(), new Cell(List.of(), "engine failed: " + e)));
          failed.put(s, cells);
        }
        results.put(engine, failed);
      }
    }
    return this;
  }

  private Map<String, Cell> measure(BenchDatabase db, Strategy strategy) {
    List<Contender> active = settings.contenders().stream().filter(c -> c.supports(strategy, db.engine())).toList();
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    active.forEach(c -> runs.put(c.name(), new ArrayList<>()));
    int rounds = settings.warmups() + settings.repetitions();
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < active.size(); k++) {
        Contender c = active.get((k + round) % active.size());
        if (errors.containsKey(c.name())) {
          continue;
        }
        try {
          Run r = once(db, strategy, c);
          log.info("{} {} {} round {}: {} rows in {} s{}", db.engine().label(), strategy.label(), c.name(), round + 1,
              r.rows(), String.format(Locale.ROOT, "%.2f", r.seconds()), round < settings.warmups() ? " (warm-up)" : "");
          if (round >= settings.warmups()) {
            runs.get(c.name()).add(r);
          }
        } catch (Exception e) {
          log.error("{} {} {} failed: {}", db.engine().label(), strategy.label(), c.name(), e.toString());
          log.debug("{} {} {} failed", db.engine().label(), strategy.label(), c.name(), e);
          errors.put(c.name(), e.toString());
        }
      }
    }
    Map<String, Cell> cells = new LinkedHashMap<>();
    for (Contender c : settings.contenders()) {
      if (!c.supports(strategy, db.engine())) {
        continue;
      }
      cells.put(c.name(), new Cell(runs.get(c.name()), errors.get(c.name())));
    }
    return cells;
  }

  private Run once(BenchDatabase db, Strategy strategy, Contender c) throws Exception {
    c.reset(db);
    db.resetDestination(strategy, c.partitionedDestination(strategy));
    try (HeapMeter meter = new HeapMeter().start()) {
      long t0 = System.nanoTime();
      long rows = c.run(db, strategy, settings.concurrency());
      double seconds = (System.nanoTime() - t0) / 1e9;
      HeapMeter.Reading heap = meter.stop();
      db.verify(c.name());
      if (rows != db.dataset().rows()) {
        throw new IllegalStateException(c.name() + " reported " + rows + " rows written; expected " + db.dataset().rows());
      }
      return new Run(seconds, rows, heap);
    }
  }

  /**
   * Prints the table and the goal verdicts.
   *
   * @param out where to print
   */
  public void print(PrintStream out) {
    out.println(table());
  }

  /**
   * The results as a Markdown table, with the settings, the verdicts and the load times.
   *
   * @return Markdown
   */
  public String table() {
    StringBuilder b = new StringBuilder();
    Dataset d = settings.dataset();
    b.append(String.format(Locale.ROOT, "%,d rows over %d days, concurrency %d, %d warm-up + %d measured runs each, median;"
        + " heap = peak in use / peak live after GC (MiB)%n%n", d.rows(), d.days(), settings.concurrency(),
        settings.warmups(), settings.repetitions()));
    b.append("| engine | strategy | contender | median s | rows/s | ours ÷ this | goal | heap MiB |\n");
    b.append("|---|---|---|---:|---:|---:|---|---:|\n");
    List<String> misses = new ArrayList<>();
    for (var byEngine : results.entrySet()) {
      for (var byStrategy : byEngine.getValue().entrySet()) {
        Map<String, Cell> cells = byStrategy.getValue();
        Cell ours = cells.get("ours");
        OptionalDouble bestJdbc = cells.entrySet().stream().filter(e -> e.getKey().startsWith("jdbc"))
            .filter(e -> e.getValue().error() == null && !e.getValue().runs().isEmpty())
            .mapToDouble(e -> e.getValue().rowsPerSecond()).max();
        for (var cell : cells.entrySet()) {
          String name = cell.getKey();
          Cell c = cell.getValue();
          String engine = byEngine.getKey().label();
          String strategy = byStrategy.getKey().label();
          if (c.error() != null || c.runs().isEmpty()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | — | failed: %s | | | |%n", engine, strategy, name,
                c.error() == null ? "no run" : c.error().replace('|', '/')));
            continue;
          }
          String ratio = "";
          String goal = "";
          boolean oursOk = ours != null && ours.error() == null && !ours.runs().isEmpty();
          if (!name.equals("ours") && oursOk) {
            double r = ours.rowsPerSecond() / c.rowsPerSecond();
            ratio = String.format(Locale.ROOT, "%.2f×", r);
            double target = name.startsWith("jdbc")
                ? switch (byStrategy.getKey()) {
                  case PUSHDOWN -> GOAL_PUSHDOWN_VS_JDBC;
                  case OVERWRITE_PARTITIONED -> GOAL_PARTITIONED_VS_JDBC;
                  case MERGE -> GOAL_MERGE_VS_JDBC;
                  default -> GOAL_VS_JDBC;
                }
                : GOAL_VS_SPRING;
            boolean judged = !name.startsWith("jdbc") || c.rowsPerSecond() == bestJdbc.orElse(-1);
            if (judged) {
              boolean met = r >= target;
              goal = String.format(Locale.ROOT, "≥ %.2f× %s", target, met ? "met" : "**missed**");
              // Against Spring Batch, the best hand-written JDBC shows how much faster any client could be here.
              String ceiling = !name.startsWith("jdbc") && bestJdbc.isPresent()
                  ? String.format(Locale.ROOT, "; best hand-written ÷ %s = %.2f×", name, bestJdbc.getAsDouble() / c.rowsPerSecond())
                  : "";
              goal += ceiling;
              if (!met) {
                misses.add(String.format(Locale.ROOT, "%s %s: ours ÷ %s = %.2f× (goal ≥ %.2f×)%s", engine, strategy, name, r,
                    target, ceiling));
              }
            } else {
              goal = "(not the best hand-written)";
            }
          }
          b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %,.0f | %s | %s | %.0f / %.0f |%n", engine, strategy,
              name, c.medianSeconds(), c.rowsPerSecond(), ratio, goal, c.peakUsedMiB(), c.peakLiveMiB()));
        }
      }
    }
    b.append('\n');
    loadSeconds.forEach((e, s) -> b.append(String.format(Locale.ROOT, "Source load on %s: %.1f s. ", e.label(), s)));
    b.append('\n');
    if (misses.isEmpty()) {
      b.append("\nEvery goal met.\n");
    } else {
      b.append("\nGoals missed:\n");
      misses.forEach(m -> b.append("- ").append(m).append('\n'));
    }
    return b.toString();
  }

  /**
   * Whether any run of any contender failed (the destination check included).
   *
   * @return true if something failed
   */
  public boolean anyFailure() {
    return results.values().stream().flatMap(m -> m.values().stream()).flatMap(m -> m.values().stream())
        .anyMatch(c -> c.error() != null || c.runs().isEmpty());
  }
}
