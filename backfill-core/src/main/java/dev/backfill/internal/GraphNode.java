package dev.backfill.internal;

import dev.backfill.BackfillPlan;
import dev.backfill.SliceStatus;
import dev.backfill.spi.StateStore;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.ObjIntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One target's run inside a graph run, as {@link GraphWorkers} schedules it: what each slice depends
 * on, the statuses this process knows, and which slices wait, are ready or must be skipped. Guarded by
 * the workers' lock.
 */
final class GraphNode {
  final int id;
  final String target;
  final String runId;
  final StateStore store;
  /** Null for a run that had already succeeded (a resumed graph run): nothing of it runs. */
  final @Nullable RunSession<?> session;
  final @Nullable SliceRunner<?> runner;
  private final BackfillPlan plan;
  /** Per slice: the upstream slices it waits for, as {@code node << 32 | slice}. */
  private final long[][] upstream;
  /** Per slice: why it cannot run whatever happens in this run (a needed partition never succeeded), or null. */
  private final @Nullable String[] blocked;
  final SliceStatus[] status;
  final int[] waiting;
  final @Nullable String[] skip;
  final BitSet held = new BitSet();
  final BitSet running = new BitSet();
  private int pendingCount;
  private long[][] dependants;
  boolean finished;
  /** This process stopped waiting for other processes' slices of this run and left them to them. */
  boolean leftToOthers;

  GraphNode(int id, String target, String runId, StateStore store, @Nullable RunSession<?> session, BackfillPlan plan,
      long[][] upstream, @Nullable String[] blocked) {
    this.id = id;
    this.target = target;
    this.runId = runId;
    this.store = store;
    this.session = session;
    this.runner = session == null ? null : new SliceRunner<>(session);
    this.plan = plan;
    this.upstream = upstream;
    this.blocked = blocked;
    int n = plan.sliceCount();
    this.status = new SliceStatus[n];
    this.waiting = new int[n];
    this.skip = new String[n];
    this.dependants = new long[n][];
  }

  static boolean failedForGood(SliceStatus st) {
    return st == SliceStatus.FAILED || st == SliceStatus.FAILED_CHECK || st == SliceStatus.SKIPPED
        || st == SliceStatus.CANCELLED;
  }

  /** Records the reverse edges: which slices of other runs wait for each of this run's slices. */
  void linkDependants(List<GraphNode> all) {
    for (GraphNode down : all) {
      for (int t = 0; t < down.upstream.length; t++) {
        for (long u : down.upstream[t]) {
          if ((int) (u >>> 32) == id) {
            int s = (int) u;
            long[] list = dependants[s] == null ? new long[0] : dependants[s];
            list = Arrays.copyOf(list, list.length + 1);
            list[list.length - 1] = ((long) down.id << 32) | t;
            dependants[s] = list;
          }
        }
      }
    }
  }

  long[] dependants(int index) {
    return dependants[index] == null ? new long[0] : dependants[index];
  }

  /** Reads the statuses from the store and works out what waits, what is ready and what is skipped. */
  void initialize(List<GraphNode> all, ObjIntConsumer<GraphNode> ready) {
    // Page by page: a graph target of millions of slices keeps its statuses, never its slice records.
    StoredSlices.forEach(store, runId, r -> setStatus(r.index(), r.status()));
    finished = session == null;
    for (int i = 0; i < status.length; i++) {
      if (status[i] != SliceStatus.PENDING) {
        continue;
      }
      skip[i] = blocked[i];
      for (long u : upstream[i]) {
        GraphNode up = all.get((int) (u >>> 32));
        SliceStatus st = up.status[(int) u];
        if (failedForGood(st) && skip[i] == null) {
          skip[i] = up.upstreamFailure((int) u, st);
        } else if (st != SliceStatus.SUCCEEDED) {
          waiting[i]++;
        }
      }
      if (skip[i] != null || waiting[i] == 0) {
        ready.accept(this, i);
      }
    }
  }

  String upstreamFailure(int index, SliceStatus st) {
    return "upstream " + target + " " + plan.slice(index).key() + " " + st
        + (st == SliceStatus.SKIPPED && skip[index] != null ? " (" + skip[index] + ")" : "");
  }

  void setStatus(int index, SliceStatus st) {
    pendingCount += (st == SliceStatus.PENDING ? 1 : 0) - (status[index] == SliceStatus.PENDING ? 1 : 0);
    status[index] = st;
    running.set(index, st == SliceStatus.RUNNING);
  }

  int pendingCount() {
    return pendingCount;
  }

  int runningCount() {
    return running.isEmpty() ? 0 : running.cardinality();
  }
}
