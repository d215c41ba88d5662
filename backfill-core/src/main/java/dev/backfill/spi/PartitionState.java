package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.SliceStatus;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the state store knows about one partition of a target, on which planning selects.
 *
 * @param target target name
 * @param key partition key
 * @param lastStatus status of the last finished attempt that touched it (SUCCEEDED, FAILED or FAILED_CHECK),
 *     or PENDING for a partition that was invalidated before it ever ran
 * @param lastRunId run of that attempt
 * @param succeededAt time of the last success, or null if it never succeeded
 * @param logicVersion logic version of the last success, or null
 * @param rows rows of the last success when the partition was a slice of its own, else -1
 * @param durationMillis duration of the last success divided among its slice's partitions, or -1
 * @param invalidated marked for reprocessing after its last success
 */
public record PartitionState(
    String target,
    String key,
    SliceStatus lastStatus,
    String lastRunId,
    @Nullable Instant succeededAt,
    @Nullable String logicVersion,
    long rows,
    long durationMillis,
    boolean invalidated) {

  /**
   * Validates the state.
   *
   * @param target target
   * @param key key
   * @param lastStatus last status
   * @param lastRunId last run
   * @param succeededAt last success time
   * @param logicVersion logic version of last success
   * @param rows rows of last success
   * @param durationMillis duration share of last success
   * @param invalidated invalidation flag
   */
  public PartitionState {
    requireNonNull(target, "target");
    requireNonNull(key, "key");
    requireNonNull(lastStatus, "lastStatus");
    requireNonNull(lastRunId, "lastRunId");
  }

  /**
   * Tells whether the partition ever succeeded.
   *
   * @return true after a success
   */
  public boolean everSucceeded() {
    return succeededAt != null;
  }

  /**
   * Tells whether its last attempt failed (including failed checks).
   *
   * @return true when the last attempt failed
   */
  public boolean lastFailed() {
    return lastStatus == SliceStatus.FAILED || lastStatus == SliceStatus.FAILED_CHECK;
  }
}
