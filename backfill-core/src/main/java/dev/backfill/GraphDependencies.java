package dev.backfill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What each planned slice of a graph's targets needs from its upstream targets: the upstream slices
 * of this run it waits for, and, for partitions not in this run, whether they succeeded before (per
 * the upstream's state store). A needed partition that did neither blocks the slice: it will be
 * skipped, and the plan says so beforehand.
 */
final class GraphDependencies {
  /** Per target (graph order), per slice: upstream slices as {@code target << 32 | slice}. */
  final long[][][] upstream;
  /** Per target, per slice: why the slice can never run in this graph run, or null. */
  final @Nullable String[][] blocked;
  final List<String> warnings = new ArrayList<>();

  private GraphDependencies(int targets) {
    this.upstream = new long[targets][][];
    this.blocked = new String[targets][];
  }

  static GraphDependencies of(List<Backfill<?>> order, List<BackfillGraph.Edge> edges, List<BackfillPlan> plans) {
    GraphDependencies deps = new GraphDependencies(order.size());
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i).target(), i);
    }
    for (int d = 0; d < order.size(); d++) {
      BackfillPlan plan = plans.get(d);
      List<Set<Long>> needs = new ArrayList<>();
      for (int s = 0; s < plan.sliceCount(); s++) {
        needs.add(new LinkedHashSet<>());
      }
      String[] blocked = new String[plan.sliceCount()];
      long blockedSlices = 0;
      for (BackfillGraph.Edge e : edges) {
        if (!e.downstream().equals(order.get(d).target())) {
          continue;
        }
        int u = position.get(e.upstream());
        Backfill<?> up = order.get(u);
        BackfillPlan upPlan = plans.get(u);
        Map<String, Integer> sliceOf = new HashMap<>();
        for (int t = 0; t < upPlan.sliceCount(); t++) {
          for (Partition p : upPlan.partitions(t)) {
            sliceOf.put(p.key().value(), t);
          }
        }
        Set<String> succeededBefore = new HashSet<>();
        up.stateStore().forEachPartitionState(up.target(), state -> {
          if (state.everSucceeded() && !state.invalidated()) {
            succeededBefore.add(state.key());
          }
        });
        PartitionSequence upRange = up.partitioning().enumerate(upPlan.range());
        for (int s = 0; s < plan.sliceCount(); s++) {
          for (Partition p : plan.partitions(s)) {
            for (PartitionKey key : upstreamOf(e, p, up.partitioning(), upRange)) {
              Integer t = sliceOf.get(key.value());
              if (t != null) {
                needs.get(s).add(((long) u << 32) | t);
              } else if (!succeededBefore.contains(key.value()) && blocked[s] == null) {
                blocked[s] = "upstream " + up.target() + " " + key + " has not succeeded and is not part of this run";
                blockedSlices++;
                if (blockedSlices == 1) {
                  deps.warnings.add(order.get(d).target() + " " + plan.slice(s).key() + " needs " + up.target() + " "
                      + key + ", which has not succeeded and is not planned: it will be SKIPPED");
                }
              }
            }
          }
        }
      }
      if (blockedSlices > 1) {
        deps.warnings.add(order.get(d).target() + ": " + blockedSlices + " slice(s) in all need upstream partitions that"
            + " have not succeeded and are not planned; plan a range that covers them, or run the upstream first");
      }
      deps.upstream[d] = needs.stream().map(set -> set.stream().mapToLong(Long::longValue).toArray()).toArray(long[][]::new);
      deps.blocked[d] = blocked;
    }
    return deps;
  }

  private static List<PartitionKey> upstreamOf(BackfillGraph.Edge e, Partition p, Partitioning upstream,
      PartitionSequence range) {
    try {
      return e.mapping().upstreamOf(p, upstream, range);
    } catch (InvalidRangeException | InvalidConfigurationException ex) {
      throw new InvalidConfigurationException("edge " + e + " cannot map partition " + p.key() + ": " + ex.getMessage(),
          ex);
    }
  }
}
