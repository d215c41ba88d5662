package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a time-partitioned target current after its backfill: each tick plans the partitions that
 * closed (ended, plus an allowed lateness) since the target's watermark, re-runs the {@code lookback}
 * partitions before them for late-arriving data (as SQLMesh's lookback does), and runs them through
 * {@link Backfill#execute}, so the same executor, checks, guards and exactly-once apply.
 *
 * <p>The watermark is the first partition, from the schedule's first one on, that has not succeeded
 * (per the state store): a tick after downtime catches up on every missed partition once, oldest
 * first; a partition that failed stays the watermark and runs again on the next tick; nothing that
 * succeeded runs again except the lookback. A tick never overlaps another of the same schedule: a
 * tick while one is running returns at once, saying so.
 *
 * <pre>{@code
 * IncrementalSchedule schedule = IncrementalSchedule.builder(backfill)
 *     .from("2024-06-01")                        // when the target has no history yet
 *     .lateness(Duration.ofHours(2))             // a day is closed at 02:00 the next day
 *     .lookback(2)                               // and the two days before the new ones run again
 *     .build();
 * TickReport report = schedule.tick();           // from your own scheduler ...
 * schedule.start(Duration.ofHours(1));           // ... or its own, on the backfill's TimeSource
 * schedule.close();
 * }</pre>
 */
public final class IncrementalSchedule implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IncrementalSchedule.class);

  private final Backfill<?> backfill;
  private final @Nullable String from;
  private final Duration lateness;
  private final int lookback;
  private final ExecutionOptions options;
  private final Consumer<TickReport> onTick;
  private final AtomicBoolean ticking = new AtomicBoolean();
  private final AtomicBoolean queued = new AtomicBoolean();
  private final Object timerLock = new Object();
  private @Nullable ExecutorService runner;
  private TimeSource.@Nullable Timer timer;
  private volatile boolean closed;

  private IncrementalSchedule(Builder b) {
    this.backfill = b.backfill;
    this.from = b.from;
    this.lateness = b.lateness;
    this.lookback = b.lookback;
    this.options = b.options;
    this.onTick = b.onTick;
  }

  /**
   * Starts configuring a schedule of a backfill with an hourly, daily, weekly, monthly, yearly or
   * cron partitioning.
   *
   * @param backfill the target's backfill
   * @return a builder
   */
  public static Builder builder(Backfill<?> backfill) {
    return new Builder(backfill);
  }

  /**
   * Plans and runs what closed since the watermark, with the lookback, and waits for the run.
   *
   * @return what the tick did
   */
  public TickReport tick() {
    Instant now = backfill.pipeline().clock().instant();
    if (!ticking.compareAndSet(false, true)) {
      return new TickReport(now, List.of(), null, "a tick of " + backfill.target() + " is still running; skipped");
    }
    try {
      TickReport report = tickNow(now);
      log.info("schedule of {}: {}", backfill.target(), report.message());
      onTick.accept(report);
      return report;
    } finally {
      ticking.set(false);
    }
  }

  private TickReport tickNow(Instant now) {
    TimeDimension time = (TimeDimension) backfill.partitioning();
    Partition newest = time.shift(time.shift(backfill.partitioning().partitionAt(now.minus(lateness)), -1),
        backfill.partitioning().endOffset());
    String first = from != null ? from : backfill.partitioning().firstPartition().map(PartitionKey::value)
        .orElseGet(this::oldestSucceeded);
    if (first == null) {
      throw new InvalidConfigurationException("the schedule of " + backfill.target() + " has no first partition: the"
          + " target has no history yet; set IncrementalSchedule.builder(...).from(\"<first key>\") or"
          + " Partitioning.startingAt(...)");
    }
    Partition start = backfill.partitioning().partition(first);
    if (newest.window().orElseThrow().start().isBefore(start.window().orElseThrow().start())) {
      return new TickReport(now, List.of(), null, "nothing closed yet: the first partition " + first + " is not closed");
    }
    PartitionSequence seq = backfill.partitioning().enumerate(PartitionRange.of(first, newest.key().value()));
    Set<String> succeeded = new HashSet<>();
    backfill.stateStore().forEachPartitionState(backfill.target(), s -> {
      if (s.everSucceeded() && !s.invalidated()) {
        succeeded.add(s.key());
      }
    });
    long watermark = 0;
    while (watermark < seq.size() && succeeded.contains(seq.keyAt(watermark).value())) {
      watermark++;
    }
    if (watermark == seq.size()) {
      return new TickReport(now, List.of(), null, "nothing closed since " + newest.key() + "; the target is current");
    }
    long begin = Math.max(0, watermark - lookback);
    PlanOptions planOptions = PlanOptions.defaults().lateness(lateness)
        .select(Selection.MISSING, Selection.FAILED, Selection.PARTIAL, Selection.INVALIDATED, Selection.LOGIC_CHANGED,
            Selection.RESTATE);
    BackfillPlan plan = backfill.plan(PartitionRange.of(seq.keyAt(begin).value(), newest.key().value()), planOptions,
        (int) (watermark - begin));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < plan.sliceCount(); i++) {
      plan.partitions(i).forEach(p -> keys.add(p.key().value()));
    }
    if (plan.isEmpty()) {
      return new TickReport(now, List.of(), null, "nothing to run in " + plan.range());
    }
    RunReport run = backfill.execute(plan, options).await();
    return new TickReport(now, keys, run, "ran " + keys.size() + " partition(s) " + plan.range() + " ("
        + (watermark - begin) + " re-run for lookback): " + run.status());
  }

  private @Nullable String oldestSucceeded() {
    List<PartitionKey> keys = new ArrayList<>();
    backfill.stateStore().forEachPartitionState(backfill.target(), s -> {
      if (s.everSucceeded()) {
        keys.add(new PartitionKey(s.key()));
      }
    });
    Partition oldest = null;
    for (PartitionKey k : keys) {
      Partition p = backfill.partitioning().partition(k.value());
      if (oldest == null || p.window().orElseThrow().start().isBefore(oldest.window().orElseThrow().start())) {
        oldest = p;
      }
    }
    return oldest == null ? null : oldest.key().value();
  }

  /**
   * Ticks every {@code period} on the backfill's {@link TimeSource} (virtual in the test kit), on a
   * thread of its own: one tick at a time, a tick due while another runs waits for it (at most one
   * waits), so ticks never overlap.
   *
   * @param period time between the end of a tick and the next
   * @return this schedule
   * @throws IllegalStateException when already started or closed
   */
  public IncrementalSchedule start(Duration period) {
    requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new InvalidConfigurationException("schedule period " + period + " is not allowed; expected a positive"
          + " duration such as Duration.ofHours(1)");
    }
    synchronized (timerLock) {
      if (runner != null || closed) {
        throw new IllegalStateException("the schedule of " + backfill.target() + " is already started or closed");
      }
      runner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backfill-schedule-" + backfill.target());
        t.setDaemon(true);
        return t;
      });
      next(period);
    }
    return this;
  }

  private void next(Duration period) {
    synchronized (timerLock) {
      if (closed || runner == null) {
        return;
      }
      ExecutorService pool = runner;
      // Fixed rate: the next tick is due a period after this one was due, registered before this one
      // runs. The timer fires on the time source's thread (the test's, for a virtual clock), so the tick
      // is handed to the schedule's own thread; while one waits there, a due tick adds no other.
      timer = backfill.pipeline().time().schedule(period, () -> {
        next(period);
        if (queued.compareAndSet(false, true)) {
          pool.execute(() -> {
            queued.set(false);
            try {
              tick();
            } catch (RuntimeException e) {
              // masked, without the raw exception: its message may carry a JDBC URL with a password
              log.error("schedule of {}: the tick failed: {}", backfill.target(), dev.backfill.spi.Redaction.describe(e));
            }
          });
        }
      });
    }
  }

  /** Stops the built-in ticking and waits for a running tick to end. */
  @Override
  public void close() {
    ExecutorService pool;
    synchronized (timerLock) {
      closed = true;
      if (timer != null) {
        timer.cancel();
      }
      pool = runner;
    }
    if (pool != null) {
      pool.shutdown();
      try {
        pool.awaitTermination(1, TimeUnit.HOURS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Configures an {@link IncrementalSchedule}. */
  public static final class Builder {
    private final Backfill<?> backfill;
    private @Nullable String from;
    private Duration lateness = Duration.ZERO;
    private int lookback;
    private ExecutionOptions options = ExecutionOptions.defaults();
    private Consumer<TickReport> onTick = r -> { };

    private Builder(Backfill<?> backfill) {
      this.backfill = requireNonNull(backfill, "backfill");
      if (!(backfill.partitioning() instanceof TimeDimension)) {
        throw new InvalidConfigurationException("an incremental schedule needs an hourly, daily, weekly, monthly,"
            + " yearly or cron partitioning, but " + backfill.target() + " is partitioned "
            + backfill.partitioning().describe());
      }
      if (!backfill.environment().isProduction()) {
        throw new InvalidConfigurationException("an incremental schedule keeps the production history current, but the"
            + " backfill of " + backfill.target() + " is built for environment " + backfill.environment().name()
            + "; schedule the production backfill");
      }
    }

    /**
     * Sets the first partition the schedule keeps current (default: the partitioning's
     * {@code startingAt}, else the oldest partition that ever succeeded).
     *
     * @param firstKey a key of the target's partitioning
     * @return this builder
     */
    public Builder from(String firstKey) {
      backfill.partitioning().parse(firstKey);
      this.from = firstKey;
      return this;
    }

    /**
     * Sets how long after its end a partition may still receive data: it closes only then.
     *
     * @param lateness zero or more (default zero)
     * @return this builder
     */
    public Builder lateness(Duration lateness) {
      requireNonNull(lateness, "lateness");
      if (lateness.isNegative()) {
        throw new InvalidConfigurationException("lateness " + lateness + " is negative; expected zero or more");
      }
      this.lateness = lateness;
      return this;
    }

    /**
     * Re-runs the {@code partitions} partitions before the newly closed ones on each tick that runs new
     * ones, to pick up late-arriving data.
     *
     * @param partitions zero or more (default zero)
     * @return this builder
     */
    public Builder lookback(int partitions) {
      if (partitions < 0) {
        throw new InvalidConfigurationException("lookback " + partitions + " is negative; expected 0 or more partitions");
      }
      this.lookback = partitions;
      return this;
    }

    /**
     * Sets how each tick's run executes (default {@link ExecutionOptions#defaults()}); a run id in
     * them is refused, since every tick makes a new run.
     *
     * @param options execution options
     * @return this builder
     */
    public Builder executionOptions(ExecutionOptions options) {
      if (requireNonNull(options, "options").runId() != null) {
        throw new InvalidConfigurationException("execution options of a schedule must not fix a run id ('"
            + options.runId() + "'); every tick makes a new run");
      }
      this.options = options;
      return this;
    }

    /**
     * Receives each tick's report (on the ticking thread).
     *
     * @param listener the receiver
     * @return this builder
     */
    public Builder onTick(Consumer<TickReport> listener) {
      this.onTick = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the schedule.
     *
     * @return the schedule
     */
    public IncrementalSchedule build() {
      return new IncrementalSchedule(this);
    }
  }
}
