package dev.backfill.examples;

import static java.util.Objects.requireNonNull;

import dev.backfill.SliceStatus;
import dev.backfill.event.BackfillEvent;
import dev.backfill.event.BackfillListener;

/**
 * A user's listener: pages the on-call engineer when a slice fails for good or fails its checks, and
 * once when the run ends unsuccessfully. Cancelled slices and retries do not page.
 */
public final class SliceFailureAlerts implements BackfillListener {
  /** Where pages go (PagerDuty, Opsgenie, a chat webhook ...). */
  @FunctionalInterface
  public interface Pager {
    /**
     * Sends a page.
     *
     * @param message what happened
     */
    void page(String message);
  }

  private final Pager pager;

  /**
   * Creates the listener.
   *
   * @param pager where to page
   */
  public SliceFailureAlerts(Pager pager) {
    this.pager = requireNonNull(pager, "pager");
  }

  @Override
  public void onEvent(BackfillEvent event) {
    if (event instanceof BackfillEvent.SliceFailed f && f.status() != SliceStatus.CANCELLED) {
      pager.page("backfill slice " + f.sliceKey() + " " + f.status() + " after " + f.attempt() + " attempt(s): " + f.error());
    } else if (event instanceof BackfillEvent.RunFinished r && !r.report().succeeded()) {
      pager.page("backfill " + r.report().target() + " run " + r.runId() + " ended " + r.report().status());
    }
  }
}
