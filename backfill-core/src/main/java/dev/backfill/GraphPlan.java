package dev.backfill;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The combined dry run of a {@link BackfillGraph}: every target's {@link BackfillPlan} (slices,
 * reasons, cost), in the graph's order, with its edges and what the plans cannot satisfy (a
 * downstream partition needing an upstream partition that neither succeeded before nor is planned).
 *
 * <pre>{@code
 * GraphPlan plan = graph.plan(PartitionRange.of("2024-01-01", "2024-03-31"));
 * System.out.println(plan.describe());
 * GraphReport report = graph.execute(plan).await();
 * }</pre>
 */
public final class GraphPlan {
  private final Map<String, BackfillPlan> plans;
  private final List<String> edges;
  private final List<String> warnings;
  final GraphDependencies dependencies;

  GraphPlan(List<BackfillPlan> plans, List<String> edges, GraphDependencies dependencies) {
    Map<String, BackfillPlan> byTarget = new LinkedHashMap<>();
    plans.forEach(p -> byTarget.put(p.target(), p));
    this.plans = Collections.unmodifiableMap(byTarget);
    this.edges = List.copyOf(edges);
    this.dependencies = dependencies;
    this.warnings = List.copyOf(dependencies.warnings);
  }

  /**
   * Returns the targets, upstream first.
   *
   * @return target names in execution order
   */
  public List<String> targets() {
    return List.copyOf(plans.keySet());
  }

  /**
   * Returns the plan of one target.
   *
   * @param target target name
   * @return its plan
   * @throws InvalidConfigurationException for a target that is not in the graph
   */
  public BackfillPlan plan(String target) {
    BackfillPlan plan = plans.get(target);
    if (plan == null) {
      throw new InvalidConfigurationException("target " + target + " is not in this graph plan; its targets are "
          + plans.keySet());
    }
    return plan;
  }

  /**
   * Returns every target's plan, upstream first.
   *
   * @return the plans
   */
  public List<BackfillPlan> plans() {
    return List.copyOf(plans.values());
  }

  /**
   * Returns what the plans cannot satisfy: downstream slices that need an upstream partition which
   * has not succeeded and is not planned; they will be SKIPPED naming it.
   *
   * @return warnings, empty when none
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Returns the number of slices of all targets.
   *
   * @return slice count
   */
  public int sliceCount() {
    return plans.values().stream().mapToInt(BackfillPlan::sliceCount).sum();
  }

  /**
   * Returns a readable combined dry run: the order and edges, the warnings, then each target's plan.
   *
   * @return multi-line text
   */
  public String describe() {
    StringBuilder out = new StringBuilder("Graph plan of ").append(plans.size()).append(" targets: ")
        .append(String.join(" -> ", plans.keySet())).append('\n');
    List<String> counts = new ArrayList<>();
    plans.values().forEach(p -> counts.add(p.target() + " " + p.sliceCount()));
    out.append("  slices       ").append(sliceCount()).append(" (").append(String.join(", ", counts)).append(")\n");
    for (String e : edges) {
      out.append("  edge         ").append(e).append('\n');
    }
    for (String w : warnings) {
      out.append("  warning      ").append(w).append('\n');
    }
    for (BackfillPlan p : plans.values()) {
      out.append('\n').append(p.describe());
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "GraphPlan" + plans.keySet();
  }
}
