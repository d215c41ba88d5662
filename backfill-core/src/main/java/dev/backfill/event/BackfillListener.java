package dev.backfill.event;

/**
 * Receives the events of a run. Events of one run arrive in order on a dispatcher thread; a listener
 * that throws is logged and skipped for that event, and never breaks the run. Keep listeners quick:
 * a slow listener delays later events, not slices.
 */
@FunctionalInterface
public interface BackfillListener {

  /**
   * Handles an event.
   *
   * @param event the event
   */
  void onEvent(BackfillEvent event);
}
