package dev.backfill.spi;

/**
 * How a run ended, passed to {@link DestinationNode#finishRun}.
 *
 * @param succeeded true when every slice committed and every run-level check passed; only then may a
 *     full rebuild swap its shadow into place
 * @param reason why the run did not succeed, or "succeeded"
 */
public record RunOutcome(boolean succeeded, String reason) {}
