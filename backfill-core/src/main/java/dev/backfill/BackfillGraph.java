package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.internal.GraphLauncher;
import dev.backfill.internal.RunLauncher;
import dev.backfill.spi.RunRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Several backfills (targets) and what each needs from the others, planned and run together: a
 * downstream partition starts only when every upstream partition it maps to has succeeded, in this
 * run or before (per the upstream's state store); independent branches run side by side within one
 * concurrency cap; when an upstream slice fails, its downstream slices are SKIPPED naming it.
 *
 * <pre>{@code
 * BackfillGraph graph = BackfillGraph.builder()
 *     .add(orders)                                               // daily facts
 *     .add(customers)                                            // daily dimension, FK to orders
 *     .add(monthlyRevenue)                                       // monthly roll-up
 *     .dependsOn("mart.customers", "mart.orders", PartitionMapping.identity())
 *     .dependsOn("mart.monthly_revenue", "mart.orders", PartitionMapping.rollUp())
 *     .build();                                                  // unknown targets, cycles: refused here
 *
 * GraphPlan plan = graph.plan(PartitionRange.of("2024-01-01", "2024-03-31"));
 * System.out.println(plan.describe());                           // every target's slices, reasons, cost
 * GraphReport report = graph.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();
 * graph.resume(report.graphRunId());                             // later: only what did not commit
 * }</pre>
 *
 * <p>Each target's run is an ordinary run of its backfill, id {@code <graphRunId>.<n>} (n its position
 * in {@link #targets()}), so its history, reports and guarantees are those of a single target.
 * Graph runs claim slices by index ({@code StateStore.claimSlice}), which the in-memory and JDBC
 * stores provide. Immutable and thread-safe.
 */
public final class BackfillGraph {
  private final List<Backfill<?>> order;
  private final List<Edge> edges;

  /**
   * An edge: {@code downstream} needs, for each of its partitions, the {@code upstream} partitions the
   * mapping names.
   *
   * @param downstream downstream target
   * @param upstream upstream target
   * @param mapping which upstream partitions each downstream partition needs
   */
  public record Edge(String downstream, String upstream, PartitionMapping mapping) {
    @Override
    public String toString() {
      return "dependsOn(" + downstream + ", " + upstream + ", " + mapping + ")";
    }
  }

  private BackfillGraph(List<Backfill<?>> order, List<Edge> edges) {
    this.order = order;
    this.edges = edges;
  }

  /**
   * Starts building a graph.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the targets in execution order: every upstream before its downstreams, otherwise in the
   * order they were added.
   *
   * @return target names
   */
  public List<String> targets() {
    return order.stream().map(Backfill::target).toList();
  }

  /**
   * Returns the edges.
   *
   * @return edges in the order they were declared
   */
  public List<Edge> edges() {
    return edges;
  }

  /**
   * Plans every target over a range with the default options.
   *
   * @param range bounds in the keys of at least one target (see {@link #plan(PartitionRange, PlanOptions)})
   * @return the combined plan
   */
  public GraphPlan plan(PartitionRange range) {
    return plan(range, PlanOptions.defaults());
  }

  /**
   * Plans every target over a range. A target whose partitioning reads the range's keys plans it as
   * is; another time-partitioned target plans the partitions covering the same time span (a range of
   * days {@code 2024-01-01..2024-03-31} becomes {@code 2024-01..2024-03} for a monthly target). Other
   * targets need their own range: {@link #plan(Map, PlanOptions)}.
   *
   * @param range inclusive bounds
   * @param options the options of every target's plan
   * @return the combined plan
   * @throws InvalidRangeException when no target reads the range, or a target cannot be given a range
   */
  public GraphPlan plan(PartitionRange range, PlanOptions options) {
    requireNonNull(range, "range");
    Optional<Partitioning> reference = order.stream().map(Backfill::partitioning).filter(p -> parses(p, range)).findFirst();
    if (reference.isEmpty()) {
      throw new InvalidRangeException("range " + range + " is not a range of any target of the graph " + targets()
          + "; give each target its own range with plan(Map.of(target, range, ...), options)");
    }
    Map<String, PartitionRange> ranges = new LinkedHashMap<>();
    for (Backfill<?> b : order) {
      ranges.put(b.target(), parses(b.partitioning(), range) ? range : spanOf(b, reference.get(), range));
    }
    return plan(ranges, options);
  }

  /**
   * Plans every target over its own range.
   *
   * @param ranges a range for every target of the graph
   * @param options the options of every target's plan
   * @return the combined plan
   * @throws InvalidConfigurationException when a target has no range or an unknown target is named
   */
  public GraphPlan plan(Map<String, PartitionRange> ranges, PlanOptions options) {
    requireNonNull(options, "options");
    for (String target : ranges.keySet()) {
      if (targets().stream().noneMatch(target::equals)) {
        throw new InvalidConfigurationException("range given for unknown target " + target + "; the graph's targets are "
            + targets());
      }
    }
    List<BackfillPlan> plans = new ArrayList<>();
    for (Backfill<?> b : order) {
      PartitionRange range = ranges.get(b.target());
      if (range == null) {
        throw new InvalidConfigurationException("no range for target " + b.target() + "; give every target of "
            + targets() + " a range");
      }
      plans.add(b.plan(range, options));
    }
    return new GraphPlan(plans, edges.stream().map(Edge::toString).toList(), GraphDependencies.of(order, edges, plans));
  }

  /**
   * Executes a graph plan with default options.
   *
   * @param plan a plan of this graph
   * @return a handle on the graph run
   */
  public GraphRun execute(GraphPlan plan) {
    return execute(plan, ExecutionOptions.defaults());
  }

  /**
   * Executes a graph plan: checks every target's plan as {@link Backfill#execute} does (all before any
   * run is created), persists one run per target, then runs their slices in the background, each
   * downstream slice once its upstream partitions have succeeded.
   *
   * @param plan a plan of this graph
   * @param options concurrency (one cap for all targets), retries, listeners; a run id names the graph run
   * @return a handle on the graph run
   * @throws InvalidConfigurationException when the plan is of another graph
   * @throws BudgetExceededException when a target's plan is over its budget and not confirmed
   */
  public GraphRun execute(GraphPlan plan, ExecutionOptions options) {
    requireNonNull(plan, "plan");
    requireNonNull(options, "options");
    if (!plan.targets().equals(targets())) {
      throw new InvalidConfigurationException("the plan is of targets " + plan.targets() + ", not of this graph's "
          + targets() + "; plan with this graph");
    }
    for (Backfill<?> b : order) {
      b.checkExecutable(plan.plan(b.target()), options);
    }
    String graphRunId = options.runId() != null ? options.runId() : WorkerIds.newRunId(order.get(0).pipeline().clock().instant());
    if (graphRunId.length() > 60) {
      throw new InvalidConfigurationException("graph run id '" + graphRunId + "' is too long; expected at most 60"
          + " characters, since each target's run is named <graphRunId>.<n>");
    }
    List<GraphLauncher.Member> members = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Backfill<?> b = order.get(i);
      BackfillPlan p = plan.plan(b.target());
      RunRecord run = b.createRun(p, graphRunId + "." + i, options);
      members.add(new GraphLauncher.Member(b.pipeline(), p, run, RunLauncher.Mode.NEW, plan.dependencies.upstream[i],
          plan.dependencies.blocked[i]));
    }
    return GraphLauncher.start(graphRunId, members, options);
  }

  /**
   * Resumes a graph run with default options.
   *
   * @param graphRunId id of the graph run
   * @return a handle on the resumed graph run
   */
  public GraphRun resume(String graphRunId) {
    return resume(graphRunId, ExecutionOptions.defaults());
  }

  /**
   * Resumes a cancelled, failed or crashed graph run: in every target, only the slices that did not
   * commit run again, from the plans persisted with the runs (never re-planned), in dependency order.
   *
   * @param graphRunId id of the graph run
   * @param options concurrency, retries, listeners
   * @return a handle on the resumed graph run
   * @throws UnknownRunException when a target's run is missing or belongs to another target
   */
  public GraphRun resume(String graphRunId, ExecutionOptions options) {
    return restart(graphRunId, options, RunLauncher.Mode.RESUME);
  }

  /**
   * Joins a graph run created by this or another process as one more worker, in every target that is
   * still running; slices whose leases expired (their process died) are taken over.
   *
   * @param graphRunId id of the graph run
   * @param options concurrency, lease time, listeners of this worker
   * @return a handle on this worker's part of the graph run
   * @throws UnknownRunException when a target's run is missing or belongs to another target
   */
  public GraphRun worker(String graphRunId, ExecutionOptions options) {
    return restart(graphRunId, options, RunLauncher.Mode.JOIN);
  }

  private GraphRun restart(String graphRunId, ExecutionOptions options, RunLauncher.Mode mode) {
    requireNonNull(graphRunId, "graphRunId");
    requireNonNull(options, "options");
    List<BackfillPlan> plans = new ArrayList<>();
    List<RunRecord> runs = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      Backfill<?> b = order.get(i);
      String runId = graphRunId + "." + i;
      RunRecord run = b.stateStore().run(runId).orElseThrow(() -> new UnknownRunException("graph run " + graphRunId
          + " has no run " + runId + " of target " + b.target() + "; resume it with the graph that made it, whose"
          + " targets were in this order"));
      if (!run.target().equals(b.runTarget())) {
        throw new UnknownRunException("run " + runId + " of graph run " + graphRunId + " belongs to target "
            + run.target() + ", not " + b.target() + "; resume it with the graph that made it");
      }
      BackfillPlan plan = BackfillPlan.fromJson(run.planJson());
      b.checkPlanFits(plan, "run " + runId);
      plans.add(plan);
      runs.add(run);
    }
    GraphDependencies deps = GraphDependencies.of(order, edges, plans);
    List<GraphLauncher.Member> members = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      RunStatus status = runs.get(i).status();
      boolean works = mode == RunLauncher.Mode.RESUME ? status != RunStatus.SUCCEEDED : status == RunStatus.RUNNING;
      members.add(new GraphLauncher.Member(order.get(i).pipeline(), plans.get(i), runs.get(i), works ? mode : null,
          deps.upstream[i], deps.blocked[i]));
    }
    return GraphLauncher.start(graphRunId, members, options);
  }

  private static boolean parses(Partitioning p, PartitionRange range) {
    try {
      p.enumerate(range);
      return true;
    } catch (InvalidRangeException e) {
      return false;
    }
  }

  /** The range of a target covering the time span of a range of another target. */
  private static PartitionRange spanOf(Backfill<?> b, Partitioning reference, PartitionRange range) {
    if (!(b.partitioning() instanceof TimeDimension) || !reference.isTimeBased()) {
      throw new InvalidRangeException("range " + range + " is not a range of target " + b.target() + " ("
          + b.partitioning().describe() + ") and cannot be converted to one; give each target its own range with"
          + " plan(Map.of(target, range, ...), options)");
    }
    PartitionSequence seq = reference.enumerate(range);
    TimeWindow first = seq.get(0).window().orElseThrow();
    TimeWindow last = seq.get(seq.size() - 1).window().orElseThrow();
    Partition from = b.partitioning().partitionAt(first.start());
    Partition to = b.partitioning().partitionAt(last.end().minusNanos(1));
    return PartitionRange.of(from.key().value(), to.key().value());
  }

  /** Builds a {@link BackfillGraph}. */
  public static final class Builder {
    private final Map<String, Backfill<?>> targets = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a target.
     *
     * @param backfill the target's backfill
     * @return this builder
     * @throws InvalidConfigurationException when a target of that name was added already
     */
    public Builder add(Backfill<?> backfill) {
      requireNonNull(backfill, "backfill");
      if (targets.putIfAbsent(backfill.target(), backfill) != null) {
        throw new InvalidConfigurationException("target " + backfill.target() + " is added twice; each target is one"
            + " node of the graph");
      }
      return this;
    }

    /**
     * Declares that each partition of {@code downstream} needs the partitions of {@code upstream}
     * that the mapping names.
     *
     * @param downstream the target that needs
     * @param upstream the target that is needed
     * @param mapping which upstream partitions each downstream partition needs
     * @return this builder
     */
    public Builder dependsOn(String downstream, String upstream, PartitionMapping mapping) {
      edges.add(new Edge(requireNonNull(downstream, "downstream"), requireNonNull(upstream, "upstream"),
          requireNonNull(mapping, "mapping")));
      return this;
    }

    /**
     * Builds the graph, ordering the targets so that every upstream comes first.
     *
     * @return the graph
     * @throws InvalidConfigurationException for an edge naming an unknown target, an edge repeated, or a cycle
     *     (named target by target)
     */
    public BackfillGraph build() {
      if (targets.isEmpty()) {
        throw new InvalidConfigurationException("the graph has no targets; add(...) at least one backfill");
      }
      Map<String, List<String>> upstreams = new LinkedHashMap<>();
      targets.keySet().forEach(t -> upstreams.put(t, new ArrayList<>()));
      for (Edge e : edges) {
        for (String name : List.of(e.downstream(), e.upstream())) {
          if (!targets.containsKey(name)) {
            throw new InvalidConfigurationException("edge " + e + " names unknown target " + name
                + "; the graph's targets are " + targets.keySet() + " (add(...) it first)");
          }
        }
        if (upstreams.get(e.downstream()).contains(e.upstream())) {
          throw new InvalidConfigurationException("edge " + e + " repeats an edge between the same targets; declare"
              + " one edge with one mapping (PartitionMapping.window or custom can combine)");
        }
        upstreams.get(e.downstream()).add(e.upstream());
      }
      List<Backfill<?>> order = new ArrayList<>();
      Map<String, Integer> state = new LinkedHashMap<>();   // 1 visiting, 2 done
      for (String t : targets.keySet()) {
        visit(t, upstreams, state, new ArrayDeque<>(), order);
      }
      return new BackfillGraph(List.copyOf(order), List.copyOf(edges));
    }

    /** Depth-first: upstreams first; meeting a target being visited is a cycle, named in full. */
    private void visit(String target, Map<String, List<String>> upstreams, Map<String, Integer> state,
        Deque<String> path, List<Backfill<?>> order) {
      Integer s = state.get(target);
      if (s != null && s == 2) {
        return;
      }
      if (s != null) {
        List<String> cycle = new ArrayList<>();
        boolean in = false;
        for (String p : (Iterable<String>) path::descendingIterator) {
          in |= p.equals(target);
          if (in) {
            cycle.add(p);
          }
        }
        cycle.add(target);
        throw new InvalidConfigurationException("the graph has a cycle: " + String.join(" needs ", cycle)
            + "; a target cannot wait for itself, remove one of these edges");
      }
      state.put(target, 1);
      path.push(target);
      for (String up : upstreams.get(target)) {
        visit(up, upstreams, state, path, order);
      }
      path.pop();
      state.put(target, 2);
      order.add(targets.get(target));
    }
  }
}
