package dev.backfill.internal;

import dev.backfill.BackfillRun;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.Redaction;
import dev.backfill.event.BackfillListener;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Delivers a run's events to its listeners in order on one dispatcher thread, so that a slow
 * listener never holds a slice worker and a throwing one never breaks the run.
 */
final class ListenerBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerBus.class);

  private final List<BackfillListener> listeners;
  private final ExecutorService dispatcher;
  private final String runId;
  private final String target;

  ListenerBus(List<BackfillListener> listeners, String runId, String target) {
    this.listeners = listeners;
    this.runId = runId;
    this.target = target;
    this.dispatcher = listeners.isEmpty() ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "backfill-events-" + runId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Tells whether anyone listens, so that events costly to build can be skipped. */
  boolean hasListeners() {
    return dispatcher != null;
  }

  void publish(BackfillEvent event) {
    if (dispatcher == null) {
      return;
    }
    dispatcher.execute(() -> {
      MDC.put(BackfillRun.MDC_RUN, runId);
      MDC.put(BackfillRun.MDC_TARGET, target);
      try {
        for (BackfillListener listener : listeners) {
          try {
            listener.onEvent(event);
          } catch (RuntimeException | Error e) {
            log.warn("listener {} failed on {}; the run goes on: {}", listener, event.getClass().getSimpleName(),
                Redaction.describe(e));
          }
        }
      } finally {
        MDC.clear();
      }
    });
  }

  /** Delivers the queued events, then stops the dispatcher. */
  @Override
  public void close() {
    if (dispatcher == null) {
      return;
    }
    dispatcher.shutdown();
    try {
      if (!dispatcher.awaitTermination(1, TimeUnit.MINUTES)) {
        log.warn("listeners of run {} did not drain within a minute; dropping the rest", runId);
        dispatcher.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      dispatcher.shutdownNow();
    }
  }
}
