package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.internal.Pipeline;
import dev.backfill.internal.RunLauncher;
import dev.backfill.internal.SystemTimeSource;
import dev.backfill.spi.DestinationNode;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.Redaction;
import dev.backfill.spi.RunRecord;
import dev.backfill.spi.SliceRecord;
import dev.backfill.spi.SourceNode;
import dev.backfill.spi.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The front door: a configured backfill of one target, from which you plan, execute, resume and
 * invalidate. Build it once with {@link #builder(String)}; it is immutable and thread-safe.
 *
 * <pre>{@code
 * Backfill<Row> backfill = Backfill.builder("mart.daily_revenue")
 *     .partitioning(Partitioning.daily(ZoneId.of("Europe/Berlin")))
 *     .source(JdbcSource.query(ds, "SELECT ... WHERE ts >= :start_ts AND ts < :end_ts"))
 *     .destination(JdbcDestination.table(ds, "mart.daily_revenue"))
 *     .strategy(WriteStrategy.overwritePartition("day"))
 *     .check(SliceCheck.minRows(1))
 *     .stateStore(JdbcStateStore.create(ds))
 *     .logicVersion("2024-06-fix-refunds")
 *     .build();
 *
 * BackfillPlan plan = backfill.plan(PartitionRange.of("2024-01-01", "2024-03-31"));
 * System.out.println(plan.describe());                       // dry run
 * RunReport report = backfill.execute(plan, ExecutionOptions.builder().maxConcurrency(4).build()).await();
 * backfill.resume(report.runId());                            // later: only what did not commit
 * }</pre>
 *
 * @param <T> the record type flowing from source to destination
 */
public final class Backfill<T> {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Backfill.class);
  private static final Pattern TARGET = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*){0,2}");

  private final Pipeline<T> pipeline;
  private final Map<String, Function<Slice, ?>> userTokens;
  private final Environment environment;

  private Backfill(Pipeline<T> pipeline, Map<String, Function<Slice, ?>> userTokens, Environment environment) {
    this.pipeline = pipeline;
    this.userTokens = userTokens;
    this.environment = environment;
  }

  /**
   * Returns the environment this backfill is built for ({@link Builder#environment}); production
   * {@code default} unless configured.
   *
   * @return the environment
   */
  public Environment environment() {
    return environment;
  }

  /** The name the state store keeps this target's runs and history under in this environment. */
  String runTarget() {
    return environment.runTarget(target());
  }

  /**
   * Starts configuring a backfill of a target.
   *
   * @param target name of what is backfilled, usually the destination table ({@code mart.daily_revenue})
   * @return a builder
   */
  public static Builder<Object> builder(String target) {
    return new Builder<>(target);
  }

  /**
   * Returns the target name.
   *
   * @return target
   */
  public String target() {
    return pipeline.target();
  }

  /**
   * Returns the partitioning.
   *
   * @return partitioning
   */
  public Partitioning partitioning() {
    return pipeline.partitioning();
  }

  /**
   * Returns the state store.
   *
   * @return state store
   */
  public StateStore stateStore() {
    return pipeline.store();
  }

  /**
   * Plans a range with the default options (what needs doing: missing, failed, invalidated and
   * logic-changed partitions, oldest first).
   *
   * @param range inclusive bounds
   * @return the plan
   * @throws InvalidRangeException for a bad range
   * @throws DataUnavailableException when upstream data of planned partitions is gone
   */
  public BackfillPlan plan(PartitionRange range) {
    return plan(range, PlanOptions.defaults());
  }

  /**
   * Plans a range. Nothing is written.
   *
   * @param range inclusive bounds
   * @param options selection, order, batching, budget
   * @return the plan
   * @throws InvalidRangeException for a bad range
   * @throws UnknownTokenException when the source refers to a token slices will not define
   * @throws DataUnavailableException when upstream data of planned partitions is gone
   */
  public BackfillPlan plan(PartitionRange range, PlanOptions options) {
    return plan(range, options, Integer.MAX_VALUE);
  }

  /** Plans a range, restating only the partitions before {@code restateBefore} (an incremental lookback). */
  BackfillPlan plan(PartitionRange range, PlanOptions givenOptions, int restateBefore) {
    requireNonNull(range, "range");
    PlanOptions options = forThisEnvironment(requireNonNull(givenOptions, "options"));
    Set<String> tokens = tokenNames(options.batchSize());
    if (pipeline.source() != null) {
      pipeline.source().validate(tokens);
    }
    pipeline.destination().validate(tokens);
    pipeline.checks().forEach(check -> check.validate(tokens));
    List<String> warnings = checkBeforeAnySlice(range, options.concurrency());
    return new Planner(pipeline.target(), pipeline.partitioning(), pipeline.source(), pipeline.store(),
        pipeline.logicVersion(), pipeline.clock()).plan(range, options, warnings, restateBefore);
  }

  /** Plans record this backfill's environment; options naming another are refused. */
  private PlanOptions forThisEnvironment(PlanOptions options) {
    // Without a configured environment the options' name is only a label, as it always was.
    if (environment == Environment.DEFAULT || options.environment().equals(environment.name())) {
      return options;
    }
    if (options.environment().equals(Environment.DEFAULT.name())) {
      return options.environment(environment.name());
    }
    throw new InvalidConfigurationException("plan options name environment " + options.environment() + " but the backfill"
        + " of " + target() + " is built for environment " + environment.name() + "; build it with"
        + " Backfill.builder(...).environment(...) for " + options.environment());
  }

  /**
   * Runs the destination's preflight ({@link DestinationNode#preflight}) for a range: refuses with an
   * {@link InvalidConfigurationException} when it finds an error, so that nothing is planned, no run
   * is created and nothing is written. Called by {@link #plan} and again by {@link #execute} before
   * the run is created, because the destination may have changed since the plan was made.
   *
   * @param range the range planned, or of the plan about to run
   * @param concurrency slices expected at once
   * @return the preflight's warnings
   */
  List<String> checkBeforeAnySlice(PartitionRange range, int concurrency) {
    return dev.backfill.internal.Preflight.check(pipeline, range, concurrency);
  }

  /** The tokens every slice defines for a batch size: built-ins, dimensions and user tokens. */
  private Set<String> tokenNames(int batchSize) {
    Set<String> names = new LinkedHashSet<>(pipeline.partitioning().tokenNames());
    if (batchSize > 1) {
      pipeline.partitioning().dimensions().stream()
          .filter(d -> pipeline.partitioning().isTimeBased() && pipeline.partitioning().dimensions().size() == 1)
          .forEach(names::remove);
    }
    names.addAll(userTokens.keySet());
    return names;
  }

  /**
   * Executes a plan with default options.
   *
   * @param plan a plan of this backfill's target
   * @return a handle on the running backfill
   */
  public BackfillRun execute(BackfillPlan plan) {
    return execute(plan, ExecutionOptions.defaults());
  }

  /**
   * Executes a plan: persists it as a new run, then runs its slices in the background.
   *
   * @param plan a plan of this backfill's target
   * @param options concurrency, retries, listeners
   * @return a handle on the running backfill
   * @throws InvalidConfigurationException when the plan is of another target or partitioning
   * @throws BudgetExceededException when the plan exceeds its budget and the options carry no confirmation
   *     of this plan's estimate ({@link BackfillPlan#confirm()}), or a stale one
   */
  public BackfillRun execute(BackfillPlan plan, ExecutionOptions options) {
    requireNonNull(plan, "plan");
    requireNonNull(options, "options");
    checkExecutable(plan, options);
    return RunLauncher.create(pipeline, runTarget(), plan, options);
  }

  /** Everything {@link #execute} refuses before a run is created. */
  void checkExecutable(BackfillPlan plan, ExecutionOptions options) {
    checkPlanFits(plan, "plan");
    if (pipeline.strategy() instanceof WriteStrategy.FullRebuild && plan.partitionCount() != plan.rangeSize()) {
      throw new InvalidConfigurationException("fullRebuild replaces the whole table, but the plan covers "
          + plan.partitionCount() + " of " + plan.rangeSize() + " partitions of " + plan.range()
          + "; plan with PlanOptions.defaults().select(Selection.RESTATE)");
    }
    checkBeforeAnySlice(plan.range(), options.maxConcurrency());
    checkBudget(plan, options);
    if (plan.origin() != null) {
      Promotion.check(this, plan);
    }
  }

  /** Persists a plan as a new run with all its slices pending, holding the run's target. */
  RunRecord createRun(BackfillPlan plan, String runId, ExecutionOptions options) {
    return RunLauncher.createRun(pipeline, runTarget(), plan, runId, options);
  }

  Pipeline<T> pipeline() {
    return pipeline;
  }

  /**
   * Resumes a run with default options.
   *
   * @param runId id of a run of this target
   * @return a handle on the resumed run
   */
  public BackfillRun resume(String runId) {
    return resume(runId, ExecutionOptions.defaults());
  }

  /**
   * Resumes a cancelled, failed or crashed run: runs only the slices that did not commit, from the
   * plan persisted with the run (never re-planned). Resuming a run that succeeded does nothing and
   * says so in its report.
   *
   * @param runId id of a run of this target
   * @param options concurrency, retries, listeners
   * @return a handle on the resumed run
   * @throws UnknownRunException when the run does not exist or belongs to another target
   */
  public BackfillRun resume(String runId, ExecutionOptions options) {
    requireNonNull(runId, "runId");
    requireNonNull(options, "options");
    RunRecord run = pipeline.store().run(runId).orElseThrow(() -> new UnknownRunException(
        "unknown run id '" + runId + "' for target " + target() + "; list runs with stateStore().runs(\"" + target() + "\")"));
    if (!run.target().equals(runTarget())) {
      throw new UnknownRunException("run '" + runId + "' belongs to target " + run.target() + ", not " + runTarget()
          + "; resume it with the backfill of " + run.target());
    }
    BackfillPlan plan = BackfillPlan.fromJson(run.planJson());
    checkPlanFits(plan, "run " + runId);
    if (run.status() == RunStatus.SUCCEEDED) {
      return RunLauncher.finished(pipeline.store(), run, pipeline.clock().instant(),
          "run " + runId + " already succeeded; nothing to resume");
    }
    warnWhenHistoryDiesWithTheJvm("resume");
    return RunLauncher.resume(pipeline, plan, run, options);
  }

  /**
   * Joins a run created by this or another process as one more worker: claims slices under leases
   * until none is left, taking over slices whose leases expired (their worker died). Reopens
   * nothing; the worker that sees every slice done finishes the run. Any number of workers may
   * join, in any JVM that shares the state store.
   *
   * <pre>{@code
   * // in each worker JVM, with the same JdbcStateStore:
   * RunReport mine = backfill.worker(runId, ExecutionOptions.builder().maxConcurrency(2).build()).await();
   * }</pre>
   *
   * @param runId id of a run of this target
   * @param options concurrency, lease time, listeners of this worker
   * @return a handle on this worker's part of the run
   * @throws UnknownRunException when the run does not exist or belongs to another target
   */
  public BackfillRun worker(String runId, ExecutionOptions options) {
    requireNonNull(runId, "runId");
    requireNonNull(options, "options");
    RunRecord run = pipeline.store().run(runId).orElseThrow(() -> new UnknownRunException(
        "unknown run id '" + runId + "' for target " + target() + "; a worker can only join an existing run"));
    if (!run.target().equals(runTarget())) {
      throw new UnknownRunException("run '" + runId + "' belongs to target " + run.target() + ", not " + runTarget());
    }
    BackfillPlan plan = BackfillPlan.fromJson(run.planJson());
    checkPlanFits(plan, "run " + runId);
    warnWhenHistoryDiesWithTheJvm("worker");
    if (run.status() != RunStatus.RUNNING) {
      // a run another worker is finishing is reported as it ends, not as FINISHING
      RunRecord ended = RunLauncher.awaitEnd(pipeline.store(), run, options.leaseTime().multipliedBy(2));
      return RunLauncher.finished(pipeline.store(), ended, pipeline.clock().instant(),
          "run " + runId + " is " + ended.status() + "; nothing to join");
    }
    return RunLauncher.join(pipeline, plan, run, options);
  }

  private void warnWhenHistoryDiesWithTheJvm(String call) {
    if (pipeline.store() instanceof InMemoryStateStore) {
      log.warn("{}(...) of {} on an InMemoryStateStore: the run history lives in this JVM only, so workers in other"
          + " JVMs cannot join and nothing survives a restart; use a shared store such as JdbcStateStore", call, target());
    }
  }

  /** Refuses an over-budget plan unless the options carry a confirmation of this plan's estimate. */
  static void checkBudget(BackfillPlan plan, ExecutionOptions options) {
    plan.overBudget().ifPresent(reason -> {
      CostConfirmation confirmation = options.confirmation();
      if (confirmation == null) {
        throw new BudgetExceededException("plan of " + plan.target() + " is over budget: " + reason
            + "; read plan.describe(), then run it with ExecutionOptions.builder().confirm(plan.confirm())");
      }
      confirmation.check(plan);
    });
  }

  void checkPlanFits(BackfillPlan plan, String what) {
    if (!plan.target().equals(target())) {
      throw new InvalidConfigurationException(what + " is for target " + plan.target() + ", not " + target());
    }
    if (environment != Environment.DEFAULT && !plan.options().environment().equals(environment.name())) {
      throw new InvalidConfigurationException(what + " of " + target() + " is for environment "
          + plan.options().environment() + ", but this backfill writes to environment " + environment.name()
          + "; once it succeeded there, run plan.forEnvironment(\"" + environment.name() + "\") here");
    }
    if (!plan.partitioning().equals(partitioning())) {
      throw new InvalidConfigurationException(what + " was planned with " + plan.partitioning().describe()
          + " but " + target() + " is partitioned " + partitioning().describe());
    }
  }

  /**
   * Marks the partitions of a range for reprocessing: the next plan selects them as
   * {@link Selection#INVALIDATED} until they succeed again.
   *
   * @param range inclusive bounds
   * @return number of partitions marked
   */
  public long invalidate(PartitionRange range) {
    if (!environment.isProduction()) {
      throw new InvalidConfigurationException("invalidate(" + range + ") marks the history of " + target() + ", which"
          + " environment " + environment.name() + " only reads; invalidate with the production backfill");
    }
    PartitionSequence seq = partitioning().enumerate(range);
    String marker = "invalidate-" + pipeline.clock().instant();
    List<PartitionKey> chunk = new ArrayList<>();
    for (long i = 0; i < seq.size(); i++) {
      chunk.add(seq.keyAt(i));
      if (chunk.size() == 10_000) {
        pipeline.store().invalidate(target(), chunk, marker);
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      pipeline.store().invalidate(target(), chunk, marker);
    }
    return seq.size();
  }

  /**
   * Returns the report of a run from the state store.
   *
   * @param runId run id
   * @return the report
   * @throws UnknownRunException when the run is not known
   */
  public RunReport report(String runId) {
    RunRecord run = pipeline.store().run(runId).orElseThrow(() -> new UnknownRunException("unknown run id '" + runId + "'"));
    return RunLauncher.report(pipeline.store(), run, run.createdAt(), run.finishedAt() == null ? pipeline.clock().instant() : run.finishedAt());
  }

  /**
   * Returns the runs of this target, newest first, as {@link RunHistory#runsOf} lists them (with slice
   * counts, who started each and whether it is stalled).
   *
   * @return the runs
   */
  public List<RunSummary> runs() {
    return history().runsOf(runTarget());
  }

  /**
   * Returns the operator's view of this backfill's state store: runs of every target, one run in
   * full, its slices and logs, reports, cancel and mark-failed.
   *
   * @return the history
   */
  public RunHistory history() {
    return RunHistory.of(pipeline.store());
  }

  /**
   * Configures a {@link Backfill}. Required: partitioning, destination, and a source unless the
   * destination is a pushdown destination. Everything else has a default: append strategy, no
   * checks, an {@link InMemoryStateStore}, the system clock.
   *
   * @param <T> the record type; set by {@link #source(SourceNode)}
   */
  public static final class Builder<T> {
    private final String target;
    private @Nullable Partitioning partitioning;
    private @Nullable SourceNode<?> source;
    private @Nullable DestinationNode<?> destination;
    private WriteStrategy strategy = WriteStrategy.append();
    private final List<SliceCheck> checks = new ArrayList<>();
    private final List<SliceCheck> runChecks = new ArrayList<>();
    private final List<RunGuard> guards = new ArrayList<>();
    private @Nullable StateStore store;
    private String logicVersion = "";
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private @Nullable TimeSource time;
    private final Map<String, Function<Slice, ?>> tokens = new LinkedHashMap<>();
    private Environment environment = Environment.DEFAULT;

    private Builder(String target) {
      if (target == null || !TARGET.matcher(target).matches()) {
        throw new InvalidConfigurationException("target '" + target
            + "' is not a valid name; expected an identifier such as orders or mart.daily_revenue");
      }
      this.target = target;
    }

    /**
     * Sets how the target is partitioned.
     *
     * @param p partitioning
     * @return this builder
     */
    public Builder<T> partitioning(Partitioning p) {
      this.partitioning = requireNonNull(p, "partitioning");
      return this;
    }

    /**
     * Sets the source; the record type of the backfill becomes the source's.
     *
     * @param s source
     * @param <U> record type
     * @return this builder, typed by the source
     */
    @SuppressWarnings("unchecked")
    public <U> Builder<U> source(SourceNode<U> s) {
      this.source = requireNonNull(s, "source");
      return (Builder<U>) this;
    }

    /**
     * Transforms each source record before it is written (set after {@link #source}).
     *
     * @param transform record mapping, applied on the worker thread
     * @param <U> new record type
     * @return this builder, typed by the transform's result
     */
    @SuppressWarnings("unchecked")
    public <U> Builder<U> map(Function<? super T, ? extends U> transform) {
      requireNonNull(transform, "transform");
      SourceNode<T> upstream = (SourceNode<T>) this.source;
      if (upstream == null) {
        throw new InvalidConfigurationException("map(...) needs a source; call source(...) first");
      }
      this.source = new MappedSource<>(upstream, transform);
      return (Builder<U>) this;
    }

    /**
     * Sets the destination.
     *
     * @param d destination accepting the records
     * @return this builder
     */
    public Builder<T> destination(DestinationNode<? super T> d) {
      this.destination = requireNonNull(d, "destination");
      return this;
    }

    /**
     * Sets the write strategy (default {@link WriteStrategy#append()}).
     *
     * @param s strategy
     * @return this builder
     */
    public Builder<T> strategy(WriteStrategy s) {
      this.strategy = requireNonNull(s, "strategy");
      return this;
    }

    /**
     * Adds a check evaluated on every slice before it commits.
     *
     * @param check the check
     * @return this builder
     */
    public Builder<T> check(SliceCheck check) {
      this.checks.add(requireNonNull(check, "check"));
      return this;
    }

    /**
     * Adds a check evaluated once on the whole run's summed stats, after every slice succeeded; a
     * full rebuild swaps only if all pass.
     *
     * @param check the check
     * @return this builder
     */
    public Builder<T> runCheck(SliceCheck check) {
      this.runChecks.add(requireNonNull(check, "check"));
      return this;
    }

    /**
     * Adds a guard around every run this backfill starts or resumes (pause and resume the host's
     * competing schedules and consumers); guards run in the order added, their {@code afterRun} in
     * reverse.
     *
     * @param guard the guard
     * @return this builder
     */
    public Builder<T> guard(RunGuard guard) {
      this.guards.add(requireNonNull(guard, "guard"));
      return this;
    }

    /**
     * Sets the state store (default: a new {@link InMemoryStateStore}).
     *
     * @param s state store
     * @return this builder
     */
    public Builder<T> stateStore(StateStore s) {
      this.store = requireNonNull(s, "stateStore");
      return this;
    }

    /**
     * Names the version of the pipeline logic; partitions last built with another version are
     * selected as {@link Selection#LOGIC_CHANGED}.
     *
     * @param version e.g. {@code 2024-06-fix-refunds}
     * @return this builder
     */
    public Builder<T> logicVersion(String version) {
      this.logicVersion = requireNonNull(version, "version");
      return this;
    }

    /**
     * Sets the clock for timestamps: run and slice times, progress, run ids (the system UTC clock by
     * default). Waits and timers stay on wall time; use {@link #timeSource} to replace both.
     *
     * @param c clock
     * @return this builder
     */
    public Builder<T> clock(Clock c) {
      this.clock = requireNonNull(c, "clock");
      this.time = null;
      return this;
    }

    /**
     * Sets how the executor waits between retries and for rate limits. A {@link TimeSource} (such as
     * the test kit's virtual one) also becomes the run's clock and timers, as {@link #timeSource} does.
     *
     * @param s sleeper
     * @return this builder
     */
    public Builder<T> sleeper(Sleeper s) {
      requireNonNull(s, "sleeper");
      if (s instanceof TimeSource ts) {
        return timeSource(ts);
      }
      this.sleeper = s;
      this.time = null;
      return this;
    }

    /**
     * Sets where every timestamp, wait and timer of the backfill comes from: retry backoff, rate
     * limits, lease heartbeats, per-slice timeouts, idle waits and progress logs (default
     * {@link TimeSource#system()}). The test kit passes a virtual one.
     *
     * @param t time source
     * @return this builder
     */
    public Builder<T> timeSource(TimeSource t) {
      this.time = requireNonNull(t, "timeSource");
      this.clock = t.clock();
      return this;
    }

    /**
     * Sets the environment this backfill runs in (default: production, named {@code default}). Its
     * plans record it, and only plans of this environment run here; a rehearsal environment records
     * its runs apart from the production history it plans from (see {@link Environment}).
     *
     * @param env the environment
     * @return this builder
     */
    public Builder<T> environment(Environment env) {
      this.environment = requireNonNull(env, "environment");
      return this;
    }

    /**
     * Adds a constant user token.
     *
     * @param name token name, an identifier not used by built-in tokens or dimensions
     * @param value its value (bound as a parameter by JDBC sources)
     * @return this builder
     */
    public Builder<T> token(String name, Object value) {
      requireNonNull(value, "value");
      return token(name, slice -> value);
    }

    /**
     * Adds a user token computed from each slice.
     *
     * @param name token name, an identifier not used by built-in tokens or dimensions
     * @param value computes the value; must not return null
     * @return this builder
     */
    public Builder<T> token(String name, Function<Slice, ?> value) {
      requireNonNull(value, "value");
      if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new InvalidConfigurationException("token name '" + name + "' is not valid; expected a lower-case identifier such as env");
      }
      if (tokens.put(name, value) != null) {
        throw new InvalidConfigurationException("token '" + name + "' is defined twice");
      }
      return this;
    }

    /**
     * Builds the backfill, validating the configuration.
     *
     * @return the backfill
     * @throws InvalidConfigurationException naming what is missing or inconsistent
     */
    @SuppressWarnings("unchecked")
    public Backfill<T> build() {
      if (partitioning == null) {
        throw new InvalidConfigurationException("backfill of " + target
            + " has no partitioning; call partitioning(Partitioning.daily(zone)) or similar");
      }
      if (destination == null) {
        throw new InvalidConfigurationException("backfill of " + target + " has no destination; call destination(...)");
      }
      if (destination.isPushdown() && source != null) {
        throw new InvalidConfigurationException("backfill of " + target + " has a pushdown destination ("
            + destination.describe() + ") and a source; a pushdown reads inside the database, remove the source");
      }
      if (!destination.isPushdown() && source == null) {
        throw new InvalidConfigurationException("backfill of " + target + " has no source; call source(...)");
      }
      for (String name : tokens.keySet()) {
        if (partitioning.tokenNames().contains(name)) {
          throw new InvalidConfigurationException("token '" + name + "' clashes with a built-in token of "
              + partitioning.describe() + " (" + partitioning.tokenNames() + ")");
        }
      }
      checkStrategyColumns();
      destination.validate(strategy, partitioning);
      Set<String> names = new LinkedHashSet<>(partitioning.tokenNames());
      names.addAll(tokens.keySet());
      if (source != null) {
        source.validate(names);
      }
      destination.validate(names);
      checks.forEach(check -> check.validate(names));
      Map<String, Function<Slice, ?>> userTokens = Map.copyOf(tokens);
      Pipeline<T> pipeline = new Pipeline<>(target, partitioning, (SourceNode<T>) source,
          (DestinationNode<? super T>) destination, strategy, List.copyOf(checks), List.copyOf(runChecks),
          store == null ? new InMemoryStateStore(clock) : store, logicVersion,
          time != null ? time : new SystemTimeSource(clock, sleeper), slice -> withUserTokens(slice, userTokens),
          List.copyOf(guards));
      return new Backfill<>(pipeline, userTokens, environment);
    }

    private void checkStrategyColumns() {
      List<String> columns = strategy instanceof WriteStrategy.OverwritePartition o ? o.columns()
          : strategy instanceof WriteStrategy.Merge m ? m.deleteMissingWithin()
          : List.of();
      for (String column : columns) {
        if (!partitioning.dimensions().contains(column)) {
          throw new InvalidConfigurationException(strategy.describe() + ": column '" + column + "' is not a dimension of "
              + partitioning.describe() + " (dimensions: " + String.join(", ", partitioning.dimensions())
              + "); name the dimension after the column, e.g. Partitioning.daily(zone).named(\"" + column + "\")");
        }
      }
    }

    private static Slice withUserTokens(Slice slice, Map<String, Function<Slice, ?>> userTokens) {
      if (userTokens.isEmpty()) {
        return slice;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      userTokens.forEach((name, fn) -> {
        Object v = fn.apply(slice);
        if (v == null) {
          throw new UnknownTokenException("token '" + name + "' computed null for slice " + slice.key()
              + "; user tokens must have a value");
        }
        values.put(name, v);
      });
      return slice.withTokens(values);
    }
  }

  /** A source whose records pass through a transform. */
  private record MappedSource<A, B>(SourceNode<A> upstream, Function<? super A, ? extends B> transform)
      implements SourceNode<B> {
    @Override
    public void read(Slice slice, dev.backfill.spi.SliceContext context, RecordSink<? super B> sink) throws Exception {
      upstream.read(slice, context, record -> sink.accept(transform.apply(record)));
    }

    @Override
    public dev.backfill.spi.Availability availability(Partition partition) throws Exception {
      return upstream.availability(partition);
    }

    @Override
    public java.util.Optional<dev.backfill.spi.Estimate> estimate(Partition partition) throws Exception {
      return upstream.estimate(partition);
    }

    @Override
    public void validate(Set<String> tokens) {
      upstream.validate(tokens);
    }

    @Override
    public String describe() {
      return upstream.describe() + " mapped";
    }
  }
}
