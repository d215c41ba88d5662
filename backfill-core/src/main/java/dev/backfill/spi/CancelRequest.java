package dev.backfill.spi;

import static java.util.Objects.requireNonNull;

import dev.backfill.CancelMode;
import java.time.Instant;

/**
 * A request to cancel a run, recorded in the state store by {@link StateStore#requestCancel} (from
 * the run's own handle, the {@code backfill} command or the run page) and seen by every worker of the
 * run at its next heartbeat or claim.
 *
 * @param mode GRACEFUL (running slices finish) or IMMEDIATE (running slices roll back)
 * @param requestedAt when it was recorded, in the store's time
 * @param requestedBy who asked, e.g. {@code alice@ops-host (backfill cli)}
 */
public record CancelRequest(CancelMode mode, Instant requestedAt, String requestedBy) {

  /**
   * Validates the request.
   *
   * @param mode mode
   * @param requestedAt time
   * @param requestedBy who
   */
  public CancelRequest {
    requireNonNull(mode, "mode");
    requireNonNull(requestedAt, "requestedAt");
    requireNonNull(requestedBy, "requestedBy");
  }
}
