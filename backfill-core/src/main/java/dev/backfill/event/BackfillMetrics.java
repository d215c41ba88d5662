package dev.backfill.event;

import dev.backfill.SliceStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A Micrometer binder for runs, fed by their events and tagged by target: counters of slices by final
 * status ({@code backfill.slices}) and of retries ({@code backfill.slice.retries}), a timer of slice
 * durations by status ({@code backfill.slice.duration}), and gauges of running and remaining slices
 * ({@code backfill.slices.running}, {@code backfill.slices.remaining}). Add
 * {@code io.micrometer:micrometer-core} to your dependencies (an optional dependency of core).
 *
 * <pre>{@code
 * BackfillMetrics metrics = new BackfillMetrics();
 * metrics.bindTo(meterRegistry);                      // or let your framework bind every MeterBinder bean
 * backfill.execute(plan, ExecutionOptions.builder().listener(metrics).build());
 * }</pre>
 */
public final class BackfillMetrics implements MeterBinder, BackfillListener {
  private volatile @Nullable MeterRegistry registry;
  private final Map<String, String> targets = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();

  /** Creates the binder; bind it to a registry with {@link #bindTo}. */
  public BackfillMetrics() {}

  @Override
  public void bindTo(MeterRegistry r) {
    this.registry = r;
  }

  @Override
  public void onEvent(BackfillEvent event) {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    if (event instanceof BackfillEvent.RunStarted s) {
      targets.put(s.runId(), s.target());
      gauge(r, "backfill.slices.running", "slices being processed", running, s.target()).set(0);
      gauge(r, "backfill.slices.remaining", "slices not started yet", remaining, s.target()).set(s.slices());
      return;
    }
    String target = targets.get(event.runId());
    if (target == null) {
      return;
    }
    if (event instanceof BackfillEvent.SliceSucceeded s) {
      ended(r, target, SliceStatus.SUCCEEDED, s.duration());
    } else if (event instanceof BackfillEvent.SliceFailed f) {
      ended(r, target, f.status(), f.duration());
    } else if (event instanceof BackfillEvent.SliceRetrying) {
      Counter.builder("backfill.slice.retries").description("attempts that failed transiently and were retried")
          .tag("target", target).register(r).increment();
    } else if (event instanceof BackfillEvent.ProgressUpdated p) {
      running.get(target).set(p.progress().running());
      remaining.get(target).set(p.progress().remaining());
    } else if (event instanceof BackfillEvent.RunFinished f) {
      running.get(target).set(0);
      remaining.get(target).set(f.report().count(SliceStatus.PENDING));
      targets.remove(event.runId());
    }
  }

  private static void ended(MeterRegistry r, String target, SliceStatus status, java.time.Duration took) {
    Counter.builder("backfill.slices").description("slices ended, by status").tag("target", target)
        .tag("status", status.name()).register(r).increment();
    Timer.builder("backfill.slice.duration").description("duration of a slice's last attempt").tag("target", target)
        .tag("status", status.name()).register(r).record(took);
  }

  private static AtomicInteger gauge(MeterRegistry r, String name, String description, Map<String, AtomicInteger> values,
      String target) {
    return values.computeIfAbsent(target, t -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder(name, value, AtomicInteger::get).description(description).tag("target", t).register(r);
      return value;
    });
  }
}
