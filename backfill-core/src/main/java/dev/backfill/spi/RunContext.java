package dev.backfill.spi;

import dev.backfill.Partitioning;
import dev.backfill.WriteStrategy;

/**
 * What a destination learns about a run in {@link DestinationNode#beginRun} and
 * {@link DestinationNode#finishRun}.
 *
 * @param runId the run id
 * @param target the target name
 * @param strategy the write strategy of the run
 * @param partitioning the target's partitioning
 * @param resumed true when this is a resume of an earlier run (a full rebuild continues its shadow)
 */
public record RunContext(String runId, String target, WriteStrategy strategy, Partitioning partitioning, boolean resumed) {}
