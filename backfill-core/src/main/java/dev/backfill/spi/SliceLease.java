package dev.backfill.spi;

import java.time.Instant;

/**
 * A worker's claim on one slice, valid until {@code leaseUntil} unless renewed. The
 * {@code version} is the fencing token: the store rejects any change presented with an older one.
 *
 * @param runId run id
 * @param index slice index
 * @param workerId the claiming worker
 * @param attempt attempt number this lease is for, starting at 1
 * @param version fencing token
 * @param leaseUntil end of the lease in the store's time
 */
public record SliceLease(String runId, int index, String workerId, int attempt, long version, Instant leaseUntil) {}
