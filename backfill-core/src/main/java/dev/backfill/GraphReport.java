package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How a graph run ended: the report of each target's run, upstream targets first. It succeeded only
 * when every target's run did.
 *
 * @param graphRunId id of the graph run
 * @param runs reports of the targets' runs, in the graph's order
 */
public record GraphReport(String graphRunId, List<RunReport> runs) {

  /**
   * Validates the report.
   *
   * @param graphRunId id
   * @param runs reports
   */
  public GraphReport {
    requireNonNull(graphRunId, "graphRunId");
    runs = List.copyOf(runs);
  }

  /**
   * Tells whether every target's run succeeded.
   *
   * @return true when all succeeded
   */
  public boolean succeeded() {
    return runs.stream().allMatch(r -> r.status() == RunStatus.SUCCEEDED);
  }

  /**
   * Returns the report of one target's run.
   *
   * @param target target name
   * @return its report
   * @throws InvalidConfigurationException when the target is not part of the graph run
   */
  public RunReport run(String target) {
    return runs.stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow(() ->
        new InvalidConfigurationException("target " + target + " is not part of graph run " + graphRunId
            + "; its targets are " + runs.stream().map(RunReport::target).toList()));
  }

  /**
   * Returns one line per target: its run id, status and message.
   *
   * @return multi-line summary
   */
  public String summary() {
    return "graph run " + graphRunId + (succeeded() ? " SUCCEEDED" : " did not succeed") + "\n"
        + runs.stream().map(r -> "  " + r.target() + ": " + r.runId() + " " + r.status()
            + (r.message().isEmpty() ? "" : " (" + r.message() + ")")).collect(Collectors.joining("\n"));
  }
}
