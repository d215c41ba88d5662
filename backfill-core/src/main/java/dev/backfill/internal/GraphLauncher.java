package dev.backfill.internal;

import dev.backfill.BackfillException;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.GraphReport;
import dev.backfill.GraphRun;
import dev.backfill.RunReport;
import dev.backfill.RunStatus;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.RunRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry from {@link dev.backfill.BackfillGraph} into the executor: prepares a session of every
 * target's run (as {@link RunLauncher} does for one), then, on a coordinator thread, works them all
 * with {@link GraphWorkers} under one concurrency cap.
 */
public final class GraphLauncher {
  private static final Logger log = LoggerFactory.getLogger(GraphLauncher.class);

  private GraphLauncher() {}

  /**
   * One target's run in a graph run.
   *
   * @param pipeline the target's configured backfill
   * @param plan the run's plan
   * @param run the run record, already in the store
   * @param mode how this process takes part, or null when the run succeeded already (nothing runs)
   * @param upstream per slice, the upstream slices it waits for, as {@code node << 32 | slice}
   * @param blocked per slice, why it can never run in this graph run, or null
   */
  public record Member(Pipeline<?> pipeline, BackfillPlan plan, RunRecord run, RunLauncher.@Nullable Mode mode,
      long[][] upstream, @Nullable String[] blocked) {}

  /**
   * Starts working a graph run in the background.
   *
   * @param graphRunId id of the graph run
   * @param members the targets' runs, upstream first
   * @param options execution options; {@code maxConcurrency} caps all targets together
   * @return a handle on the graph run
   */
  public static GraphRun start(String graphRunId, List<Member> members, ExecutionOptions options) {
    List<GraphNode> nodes = new ArrayList<>();
    Map<String, BackfillRun> runs = new LinkedHashMap<>();
    try {
      for (Member m : members) {
        if (m.mode() != null && m.mode() != RunLauncher.Mode.NEW) {
          RunLauncher.holdTarget(m.pipeline(), m.run().target(), m.run().runId(), m.mode() == RunLauncher.Mode.JOIN
              ? options.toBuilder().waitForTarget(java.time.Duration.ZERO).build() : options);
        }
        RunSession<?> session = m.mode() == null ? null
            : RunLauncher.prepare(m.pipeline(), m.plan(), m.run(), options, m.mode());
        nodes.add(new GraphNode(nodes.size(), m.run().target(), m.run().runId(), m.pipeline().store(), session, m.plan(),
            m.upstream(), m.blocked()));
        runs.put(m.run().target(), session != null ? session : RunLauncher.finished(m.pipeline().store(), m.run(),
            m.pipeline().clock().instant(), "run " + m.run().runId() + " already succeeded; nothing to resume"));
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      String reason = Redaction.describe(e);
      for (Member m : members) {
        m.pipeline().store().updateRun(m.run().runId(), RunStatus.FAILED, m.pipeline().clock().instant(),
            "a destination of graph run " + graphRunId + " could not prepare its run: " + reason);
        m.pipeline().store().releaseTarget(m.run().target(), m.run().runId());
      }
      throw new BackfillException("graph run " + graphRunId + " could not start: " + reason, e);
    }
    Handle handle = new Handle(graphRunId, Collections.unmodifiableMap(runs));
    Member first = members.get(0);
    GraphWorkers workers = new GraphWorkers(nodes, options.maxConcurrency(), options.leaseTime(), options.workerId(),
        first.pipeline().time());
    Thread coordinator = new Thread(() -> coordinate(handle, nodes, workers), "backfill-graph-" + graphRunId);
    coordinator.start();
    return handle;
  }

  private static void coordinate(Handle handle, List<GraphNode> nodes, GraphWorkers workers) {
    try {
      for (GraphNode n : nodes) {
        if (n.session != null) {
          RunSession<?> s = n.session;
          s.publish(new BackfillEvent.RunStarted(s.run.runId(), s.run.target(), s.tracker.snapshot().remaining(),
              s.mode != RunLauncher.Mode.NEW, s.tracker.startedAt()));
        }
      }
      log.info("graph run {}: {} target(s)", handle.graphRunId, nodes.size());
      workers.runToEnd();
    } catch (Throwable e) {
      String failure = Redaction.describe(e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
      log.error("graph run {} failed: {}", handle.graphRunId, failure);
      try {
        workers.finishRemaining(failure);
      } catch (Throwable again) {
        log.error("could not finish graph run {}: {}", handle.graphRunId, Redaction.describe(again));
      }
    }
    try {
      List<RunReport> reports = new ArrayList<>();
      for (BackfillRun run : handle.runs.values()) {
        reports.add(run.await());
      }
      GraphReport report = new GraphReport(handle.graphRunId, reports);
      log.info("{}", report.summary());
      handle.result.complete(report);
    } catch (Throwable e) {
      handle.result.completeExceptionally(e);
    }
  }

  /** The handle returned to the caller. */
  private static final class Handle implements GraphRun {
    private final String graphRunId;
    private final Map<String, BackfillRun> runs;
    private final CompletableFuture<GraphReport> result = new CompletableFuture<>();

    Handle(String graphRunId, Map<String, BackfillRun> runs) {
      this.graphRunId = graphRunId;
      this.runs = runs;
    }

    @Override
    public String graphRunId() {
      return graphRunId;
    }

    @Override
    public Map<String, BackfillRun> runs() {
      return runs;
    }

    @Override
    public void cancel(CancelMode mode) {
      runs.values().forEach(r -> r.cancel(mode));
    }

    @Override
    public boolean isDone() {
      return result.isDone();
    }

    @Override
    public GraphReport await() {
      try {
        return await(Duration.ofNanos(Long.MAX_VALUE));
      } catch (TimeoutException e) {
        throw new BackfillException("graph run " + graphRunId + " did not end", e);
      }
    }

    @Override
    public GraphReport await(Duration timeout) throws TimeoutException {
      try {
        return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackfillException("interrupted while waiting for graph run " + graphRunId, e);
      } catch (ExecutionException e) {
        throw new BackfillException("graph run " + graphRunId + " could not finish: " + Redaction.describe(e.getCause()),
            e.getCause());
      }
    }
  }
}
