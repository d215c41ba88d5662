package dev.backfill.testkit;

import static java.util.Objects.requireNonNull;

import dev.backfill.Backfill;
import dev.backfill.BackfillPlan;
import dev.backfill.BackfillRun;
import dev.backfill.CancelMode;
import dev.backfill.ExecutionOptions;
import dev.backfill.InMemoryStateStore;
import dev.backfill.Progress;
import dev.backfill.RunReport;
import dev.backfill.SliceReport;
import dev.backfill.event.BackfillEvent;
import dev.backfill.spi.SliceLease;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Runs backfills in tests deterministically and in virtual time, in the spirit of Kafka Streams'
 * {@code TopologyTestDriver}: the real executor runs the slices, but the driver decides when each
 * slice may start, time only moves through a {@link ManualClock}, and retry backoff and injected
 * latency pass through a {@link VirtualSleeper} that advances it instead of sleeping.
 *
 * <pre>{@code
 * try (BackfillTestDriver driver = BackfillTestDriver.create()) {
 *   Backfill<Row> backfill = driver.backfill("mart.daily_revenue")   // clock, sleeper, gated store
 *       .partitioning(Partitioning.daily(ZoneOffset.UTC))
 *       .source(Faults.source(orders).latency(Duration.ofMinutes(1), driver.sleeper()))
 *       .destination(mart)
 *       .strategy(WriteStrategy.overwritePartition("day"))
 *       .build();
 *   driver.start(backfill, backfill.plan(PartitionRange.of("2024-03-01", "2024-03-31")));
 *   driver.step();                                  // exactly one slice runs, then everything waits
 *   assertThat(driver.progress().eta()).contains(Duration.ofMinutes(30));
 *   RunReport report = driver.runToEnd();
 * }
 * }</pre>
 *
 * <p>How it works: backfills built from {@link #backfill(String)} use the driver's state store
 * behind a gate ({@link #gate(StateStore)}). A run started with {@link #start} is paused: workers
 * wait at the gate until {@link #step()} or {@link #startSlice()} grants a claim, or
 * {@link #runToEnd()} opens it. With {@code maxConcurrency} above one, stepping still starts one
 * slice at a time; {@link #startSlice()} together with a {@link Hold} builds controlled
 * interleavings (two slices in flight, a cancel while one is held, ...). Events of the current run
 * are recorded ({@link #events()}).
 *
 * <p>Every wait and timer of a driven run is virtual (see {@link VirtualSleeper}): lease heartbeats,
 * per-slice timeouts, rate limits and idle waits fire when the clock passes their due time, whether a
 * virtual sleep or the test ({@code driver.clock().advance(...)}) moves it. One run at a time per
 * driver; not for use from several test threads.
 */
public final class BackfillTestDriver implements AutoCloseable {
  private final ManualClock clock;
  private final VirtualSleeper sleeper;
  private final StateStore store;
  private final Duration settleTimeout;
  private final Duration runTimeout;
  private final ClaimGate gate = new ClaimGate();
  private @Nullable Session session;

  /** The run the driver is working on. */
  private record Session(BackfillRun run, boolean gated) {}

  private BackfillTestDriver(Builder b) {
    this.clock = b.clock;
    this.sleeper = new VirtualSleeper(clock);
    this.store = b.store != null ? b.store : new InMemoryStateStore(clock);
    this.settleTimeout = b.settleTimeout;
    this.runTimeout = b.runTimeout;
  }

  /**
   * Creates a driver with a {@link ManualClock} at {@link ManualClock#DEFAULT_START} and an
   * {@link InMemoryStateStore} on that clock.
   *
   * @return the driver
   */
  public static BackfillTestDriver create() {
    return builder().build();
  }

  /**
   * Starts configuring a driver.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the virtual clock.
   *
   * @return the clock all driven backfills use
   */
  public ManualClock clock() {
    return clock;
  }

  /**
   * Returns the virtual time source of driven runs, which advances the clock when it sleeps; pass it
   * to latency faults.
   *
   * @return the virtual time source
   */
  public VirtualSleeper sleeper() {
    return sleeper;
  }

  /**
   * Returns the state store behind the gate, for assertions and for a "restarted process".
   *
   * @return the ungated store
   */
  public StateStore stateStore() {
    return store;
  }

  /**
   * Wraps a store so that runs through it can be stepped by this driver (for example a store
   * wrapped by {@link Crash#stateStore} or {@link Faults#stateStore}).
   *
   * @param store the store
   * @return the gated store, to pass to {@code Backfill.Builder.stateStore}
   */
  public StateStore gate(StateStore store) {
    return new ClaimGate.Gated(store, gate);
  }

  /**
   * Starts configuring a backfill that runs under this driver: its virtual time and its gated
   * state store are set; add partitioning, source, destination and the rest.
   *
   * @param target the target name
   * @return a builder
   */
  public Backfill.Builder<Object> backfill(String target) {
    return Backfill.builder(target).timeSource(sleeper).stateStore(gate(store));
  }

  /**
   * Starts a run paused: no slice starts until {@link #step()}, {@link #startSlice()} or
   * {@link #runToEnd()}.
   *
   * @param backfill a backfill built from {@link #backfill(String)} (or on a {@link #gate}d store)
   * @param plan its plan
   * @return the run; its {@code cancel} also releases waiting workers, and its {@code await} lets
   *     the remaining slices run, as {@link #runToEnd()} does
   */
  public BackfillRun start(Backfill<?> backfill, BackfillPlan plan) {
    return start(backfill, plan, ExecutionOptions.defaults());
  }

  /**
   * Starts a run paused, with options.
   *
   * @param backfill a backfill built from {@link #backfill(String)} (or on a {@link #gate}d store)
   * @param plan its plan
   * @param options execution options; the driver adds a listener recording the events
   * @return the run
   */
  public BackfillRun start(Backfill<?> backfill, BackfillPlan plan, ExecutionOptions options) {
    requireNonNull(plan, "plan");
    return begin(backfill, options, false, o -> backfill.execute(plan, o));
  }

  /**
   * Resumes a run paused, as {@link #start} does for a new run.
   *
   * @param backfill the backfill of the run
   * @param runId the run to resume
   * @return the resumed run
   */
  public BackfillRun resume(Backfill<?> backfill, String runId) {
    return resume(backfill, runId, ExecutionOptions.defaults());
  }

  /**
   * Resumes a run paused, with options.
   *
   * @param backfill the backfill of the run
   * @param runId the run to resume
   * @param options execution options
   * @return the resumed run
   */
  public BackfillRun resume(Backfill<?> backfill, String runId, ExecutionOptions options) {
    requireNonNull(runId, "runId");
    return begin(backfill, options, false, o -> backfill.resume(runId, o));
  }

  /**
   * Runs a plan to its end.
   *
   * @param backfill the backfill
   * @param plan its plan
   * @return the report
   */
  public RunReport run(Backfill<?> backfill, BackfillPlan plan) {
    return run(backfill, plan, ExecutionOptions.defaults());
  }

  /**
   * Runs a plan to its end, with options.
   *
   * @param backfill the backfill
   * @param plan its plan
   * @param options execution options
   * @return the report
   */
  public RunReport run(Backfill<?> backfill, BackfillPlan plan, ExecutionOptions options) {
    requireNonNull(plan, "plan");
    begin(backfill, options, true, o -> backfill.execute(plan, o));
    return runToEnd();
  }

  /**
   * Resumes a run and runs it to its end.
   *
   * @param backfill the backfill of the run
   * @param runId the run
   * @param options execution options
   * @return the report
   */
  public RunReport runResume(Backfill<?> backfill, String runId, ExecutionOptions options) {
    requireNonNull(runId, "runId");
    begin(backfill, options, true, o -> backfill.resume(runId, o));
    return runToEnd();
  }

  private BackfillRun begin(Backfill<?> backfill, ExecutionOptions options, boolean open,
      java.util.function.Function<ExecutionOptions, BackfillRun> launch) {
    requireNonNull(backfill, "backfill");
    requireNonNull(options, "options");
    Session previous = session;
    if (previous != null && !previous.run().isDone()) {
      throw new IllegalStateException("run " + previous.run().runId() + " is still going; call runToEnd() or cancel it first");
    }
    boolean gated = backfill.stateStore() instanceof ClaimGate.Gated g && g.belongsTo(gate);
    gate.reset(open || !gated);
    ExecutionOptions recorded = options.toBuilder().listener(gate::event).build();
    BackfillRun run = launch.apply(recorded);
    session = new Session(run, gated);
    return new DrivenRun(run);
  }

  /**
   * Lets exactly one slice start and waits until it settled (committed, failed, failed its checks or
   * was cancelled, its status recorded and its events delivered). Retries of that slice happen within
   * the step, their backoff in virtual time. Slices already in flight (held at a {@link Hold}) are not
   * waited for.
   *
   * @return the slice as the state store records it afterwards
   * @throws NoSuchElementException when no slice was left to start
   */
  public SliceReport step() {
    return tryStep().orElseThrow(() -> new NoSuchElementException("run " + current().run().runId()
        + " has no slice left to start; call runToEnd() for its report"));
  }

  /**
   * Steps several slices.
   *
   * @param n slices to step
   * @return their reports, in the order they ran
   * @throws NoSuchElementException when fewer slices were left
   */
  public List<SliceReport> step(int n) {
    List<SliceReport> reports = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      reports.add(step());
    }
    return reports;
  }

  /**
   * Lets one slice start and waits until it settled, if one is left.
   *
   * @return the slice's report, or empty when none was left
   */
  public Optional<SliceReport> tryStep() {
    Optional<SliceLease> lease = grant();
    Session s = current();
    try {
      if (lease.isPresent()) {
        gate.awaitSettled(lease.get().index(), s.run()::isDone, settleTimeout);
      } else {
        // nothing left: the worker leaves and, once all have, the run ends
        gate.awaitSettled(s.run()::isDone, settleTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a slice to settle", e);
    }
    return lease.map(this::report);
  }

  /**
   * Lets one slice start and returns as soon as a worker claimed it, without waiting for it to
   * finish (combine with a {@link Hold} to keep it in flight).
   *
   * @return the key of the claimed slice
   * @throws NoSuchElementException when no slice was left
   */
  public String startSlice() {
    SliceLease lease = grant().orElseThrow(() -> new NoSuchElementException("run " + current().run().runId()
        + " has no slice left to start"));
    return report(lease).key();
  }

  private Optional<SliceLease> grant() {
    Session s = current();
    if (!s.gated()) {
      throw new IllegalStateException("this backfill does not use the driver's gated state store, so its slices cannot be "
          + "stepped; build it from driver.backfill(target) or pass driver.gate(store) to stateStore(...)");
    }
    try {
      return gate.grantOne(s.run()::isDone, settleTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting a slice", e);
    }
  }

  /**
   * Waits until every started slice settled (or the run ended).
   */
  public void awaitSettled() {
    Session s = current();
    try {
      gate.awaitSettled(s.run()::isDone, settleTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for slices to settle", e);
    }
  }

  /**
   * Lets every remaining slice run and waits for the run's end.
   *
   * @return the final report
   * @throws IllegalStateException when the run does not end within the run timeout (default 5 min)
   */
  public RunReport runToEnd() {
    Session s = current();
    gate.open();
    try {
      return s.run().await(runTimeout);
    } catch (TimeoutException e) {
      throw new IllegalStateException("run " + s.run().runId() + " did not end within " + runTimeout
          + "; slices in flight: " + gate.inFlightKeys() + "; is a Hold still closed?", e);
    }
  }

  /**
   * Steps the current run up to a cancel point, cancels it there and waits for its end. When fewer
   * slices were left, the run simply ends first.
   *
   * @param point after how many slices, and how
   * @return the final report
   */
  public RunReport cancelAt(CancelPoint point) {
    requireNonNull(point, "point");
    for (int i = 0; i < point.afterSlices(); i++) {
      if (tryStep().isEmpty()) {
        break;
      }
    }
    cancel(point.mode());
    return runToEnd();
  }

  /**
   * Cancels the current run; slices waiting at the gate do not start. Returns at once; call
   * {@link #runToEnd()} for the report.
   *
   * @param mode GRACEFUL or IMMEDIATE
   */
  public void cancel(CancelMode mode) {
    Session s = current();
    s.run().cancel(mode);
    gate.drain();
  }

  /**
   * Returns the current run's progress (measured on the virtual clock).
   *
   * @return the progress snapshot
   */
  public Progress progress() {
    return current().run().progress();
  }

  /**
   * Returns the current run.
   *
   * @return the run handle
   */
  public BackfillRun currentRun() {
    return new DrivenRun(current().run());
  }

  /**
   * Returns the events of the current run delivered so far, in order.
   *
   * @return events
   */
  public List<BackfillEvent> events() {
    return gate.events();
  }

  /**
   * Returns the events of one type of the current run.
   *
   * @param type event type, e.g. {@code BackfillEvent.SliceRetrying.class}
   * @param <E> event type
   * @return matching events, in order
   */
  public <E extends BackfillEvent> List<E> events(Class<E> type) {
    return gate.events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * Returns how the state store records the current run's slices now.
   *
   * @return slices in index order
   */
  public List<SliceReport> slices() {
    return store.slices(current().run().runId()).stream().map(SliceReport::of).toList();
  }

  private SliceReport report(SliceLease lease) {
    List<SliceRecord> slices = store.slices(lease.runId());
    return SliceReport.of(slices.get(lease.index()));
  }

  private Session current() {
    Session s = session;
    if (s == null) {
      throw new IllegalStateException("no run started; call driver.start(backfill, plan) first");
    }
    return s;
  }

  /** Cancels a run left unfinished (IMMEDIATE) and waits for it, so no thread outlives the test. */
  @Override
  public void close() {
    Session s = session;
    if (s == null || s.run().isDone()) {
      return;
    }
    s.run().cancel(CancelMode.IMMEDIATE);
    gate.drain();
    try {
      s.run().await(settleTimeout);
    } catch (TimeoutException e) {
      throw new IllegalStateException("run " + s.run().runId() + " did not stop within " + settleTimeout
          + " after the driver was closed; is a Hold still closed?", e);
    }
  }

  /** The run handle given to tests: cancelling also releases workers waiting at the gate. */
  private final class DrivenRun implements BackfillRun {
    private final BackfillRun run;

    DrivenRun(BackfillRun run) {
      this.run = run;
    }

    @Override
    public String runId() {
      return run.runId();
    }

    @Override
    public Progress progress() {
      return run.progress();
    }

    @Override
    public void cancel(CancelMode mode) {
      run.cancel(mode);
      gate.drain();
    }

    @Override
    public boolean isDone() {
      return run.isDone();
    }

    @Override
    public RunReport await() {
      gate.open();
      return run.await();
    }

    @Override
    public RunReport await(Duration timeout) throws TimeoutException {
      gate.open();
      return run.await(timeout);
    }
  }

  /** Configures a {@link BackfillTestDriver}. */
  public static final class Builder {
    private ManualClock clock = new ManualClock();
    private @Nullable StateStore store;
    private Duration settleTimeout = Duration.ofSeconds(30);
    private Duration runTimeout = Duration.ofMinutes(5);

    private Builder() {}

    /**
     * Sets the virtual clock (default: {@link ManualClock#DEFAULT_START}).
     *
     * @param c the clock
     * @return this builder
     */
    public Builder clock(ManualClock c) {
      this.clock = requireNonNull(c, "clock");
      return this;
    }

    /**
     * Sets the state store (default: an {@link InMemoryStateStore} on the driver's clock), for
     * example a JDBC store to drive it through its paces.
     *
     * @param s the store
     * @return this builder
     */
    public Builder stateStore(StateStore s) {
      this.store = requireNonNull(s, "stateStore");
      return this;
    }

    /**
     * Sets how long (wall time) a step waits for its slice before failing the test (default 30s).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder settleTimeout(Duration timeout) {
      this.settleTimeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets how long (wall time) {@link #runToEnd()} waits before failing the test (default 5 min).
     *
     * @param timeout the limit
     * @return this builder
     */
    public Builder runTimeout(Duration timeout) {
      this.runTimeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the driver.
     *
     * @return the driver
     */
    public BackfillTestDriver build() {
      return new BackfillTestDriver(this);
    }
  }
}
