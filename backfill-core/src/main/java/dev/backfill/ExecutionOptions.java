package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.event.BackfillListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Backfill#execute} runs a plan: concurrency, rate limits, timeouts, retries, failure
 * policy and listeners. Immutable; build with {@link #builder()}. Every setting has a safe default.
 *
 * <pre>{@code
 * ExecutionOptions.builder()
 *     .maxConcurrency(4)                              // slices in flight
 *     .slicesPerSecond(2)                              // gentle on the source
 *     .sliceTimeout(Duration.ofMinutes(30))
 *     .retry(RetryPolicy.exponential(5, Duration.ofSeconds(1)))
 *     .failurePolicy(FailurePolicy.stopAfter(3))
 *     .listener(event -> log.info("{}", event))
 *     .build();
 * }</pre>
 *
 * <p>The settings that shape the run (concurrency, rate limits, timeout, retry policy, failure
 * policy, batch size, lease time) are stored with the run. {@link Backfill#resume(String)} and
 * {@link Backfill#worker} use them again; options passed to {@code resume(runId, options)} or
 * {@code worker(runId, options)} override only the settings set explicitly on their builder.
 * Listeners, the worker id and a custom retry predicate are not stored: pass them again.
 */
public final class ExecutionOptions {

  /** The settings of a run that are stored with it and can be overridden one by one. */
  public enum Setting {
    /** {@link #maxConcurrency()}. */
    MAX_CONCURRENCY,
    /** {@link #slicesPerSecond()}. */
    SLICES_PER_SECOND,
    /** {@link #rowsPerSecond()}. */
    ROWS_PER_SECOND,
    /** {@link #sliceTimeout()}. */
    SLICE_TIMEOUT,
    /** {@link #retry()}. */
    RETRY,
    /** {@link #failurePolicy()}. */
    FAILURE_POLICY,
    /** {@link #writeBatchSize()}. */
    WRITE_BATCH_SIZE,
    /** {@link #leaseTime()}. */
    LEASE_TIME,
    /** {@link #requestsPerSecond()}. */
    REQUESTS_PER_SECOND
  }

  private final int maxConcurrency;
  private final double slicesPerSecond;
  private final long rowsPerSecond;
  private final @Nullable Duration sliceTimeout;
  private final RetryPolicy retry;
  private final FailurePolicy failurePolicy;
  private final int writeBatchSize;
  private final Duration leaseTime;
  private final String workerId;
  private final List<BackfillListener> listeners;
  private final @Nullable CostConfirmation confirmation;
  private final @Nullable String runId;
  private final Duration targetWait;
  private final Duration lockWait;
  private final Set<Setting> explicit;
  private final double requestsPerSecond;

  private ExecutionOptions(Builder b) {
    if (!(b.requestsPerSecond >= 0) || Double.isInfinite(b.requestsPerSecond)) {
      throw new InvalidConfigurationException("requestsPerSecond " + b.requestsPerSecond + " is not allowed; expected 0"
          + " (no limit) or a positive rate");
    }
    this.requestsPerSecond = b.requestsPerSecond;
    if (b.maxConcurrency < 1) {
      throw new InvalidConfigurationException("maxConcurrency " + b.maxConcurrency + " is not allowed; expected 1 or more slices in flight");
    }
    if (!(b.slicesPerSecond >= 0) || Double.isInfinite(b.slicesPerSecond)) {
      throw new InvalidConfigurationException("slicesPerSecond " + b.slicesPerSecond + " is not allowed; expected 0 (no limit) or a positive rate");
    }
    if (b.rowsPerSecond < 0) {
      throw new InvalidConfigurationException("rowsPerSecond " + b.rowsPerSecond + " is not allowed; expected 0 (no limit) or a positive rate");
    }
    if (b.sliceTimeout != null && (b.sliceTimeout.isNegative() || b.sliceTimeout.isZero())) {
      throw new InvalidConfigurationException("sliceTimeout " + b.sliceTimeout + " is not allowed; expected a positive duration");
    }
    if (b.writeBatchSize < 1) {
      throw new InvalidConfigurationException("writeBatchSize " + b.writeBatchSize + " is not allowed; expected 1 or more records per batch");
    }
    if (b.leaseTime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidConfigurationException("leaseTime " + b.leaseTime + " is too short; expected at least 1 second");
    }
    if (b.workerId.isBlank() || b.workerId.length() > 200) {
      throw new InvalidConfigurationException("workerId '" + b.workerId + "' is not allowed; expected a name for this"
          + " process of 1 to 200 characters");
    }
    if (b.runId != null && !b.runId.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new InvalidConfigurationException("runId '" + b.runId + "' is not allowed; expected 1-64 letters, digits, '.', '_', ':' or '-'");
    }
    if (b.lockWait.isNegative()) {
      throw new InvalidConfigurationException("waitForDestinationLock " + b.lockWait + " is negative; expected zero or a positive duration");
    }
    if (b.targetWait.isNegative()) {
      throw new InvalidConfigurationException("waitForTarget " + b.targetWait + " is negative; expected zero (refuse at once) or a positive duration");
    }
    this.maxConcurrency = b.maxConcurrency;
    this.slicesPerSecond = b.slicesPerSecond;
    this.rowsPerSecond = b.rowsPerSecond;
    this.sliceTimeout = b.sliceTimeout;
    this.retry = b.retry;
    this.failurePolicy = b.failurePolicy;
    this.writeBatchSize = b.writeBatchSize;
    this.leaseTime = b.leaseTime;
    this.workerId = b.workerId;
    this.listeners = List.copyOf(b.listeners);
    this.confirmation = b.confirmation;
    this.runId = b.runId;
    this.targetWait = b.targetWait;
    this.lockWait = b.lockWait;
    this.explicit = b.explicit.isEmpty() ? Set.of() : Set.copyOf(b.explicit);
  }

  /**
   * Returns the defaults: one slice at a time, no rate limit, no timeout, 3 attempts for transient
   * failures, continue on failure.
   *
   * @return default options
   */
  public static ExecutionOptions defaults() {
    return builder().build();
  }

  /**
   * Starts a builder with the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options (and which of them were set explicitly).
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxConcurrency = maxConcurrency;
    b.slicesPerSecond = slicesPerSecond;
    b.rowsPerSecond = rowsPerSecond;
    b.sliceTimeout = sliceTimeout;
    b.retry = retry;
    b.failurePolicy = failurePolicy;
    b.writeBatchSize = writeBatchSize;
    b.leaseTime = leaseTime;
    b.workerId = workerId;
    b.listeners.addAll(listeners);
    b.confirmation = confirmation;
    b.runId = runId;
    b.targetWait = targetWait;
    b.lockWait = lockWait;
    b.explicit.addAll(explicit);
    b.requestsPerSecond = requestsPerSecond;
    return b;
  }

  /**
   * Returns these options over stored ones: every stored setting that these options did not set
   * explicitly comes from {@code stored}; listeners, worker id, run id and the target wait come from
   * these options.
   *
   * @param stored the settings stored with a run
   * @return the combined options
   */
  public ExecutionOptions over(ExecutionOptions stored) {
    Builder b = toBuilder();
    for (Setting s : EnumSet.complementOf(explicit.isEmpty() ? EnumSet.noneOf(Setting.class) : EnumSet.copyOf(explicit))) {
      switch (s) {
        case MAX_CONCURRENCY -> b.maxConcurrency = stored.maxConcurrency;
        case SLICES_PER_SECOND -> b.slicesPerSecond = stored.slicesPerSecond;
        case ROWS_PER_SECOND -> b.rowsPerSecond = stored.rowsPerSecond;
        case SLICE_TIMEOUT -> b.sliceTimeout = stored.sliceTimeout;
        case RETRY -> b.retry = stored.retry;
        case FAILURE_POLICY -> b.failurePolicy = stored.failurePolicy;
        case WRITE_BATCH_SIZE -> b.writeBatchSize = stored.writeBatchSize;
        case LEASE_TIME -> b.leaseTime = stored.leaseTime;
        case REQUESTS_PER_SECOND -> b.requestsPerSecond = stored.requestsPerSecond;
      }
    }
    return b.build();
  }

  /**
   * Returns the settings set explicitly on the builder.
   *
   * @return the explicit settings
   */
  public Set<Setting> explicitSettings() {
    return explicit;
  }

  /**
   * Returns how many slices run at once.
   *
   * @return 1 or more (default 1)
   */
  public int maxConcurrency() {
    return maxConcurrency;
  }

  /**
   * Returns the most slice starts per second.
   *
   * @return rate, 0 for no limit (default)
   */
  public double slicesPerSecond() {
    return slicesPerSecond;
  }

  /**
   * Returns the most records read per second across all slices.
   *
   * @return rate, 0 for no limit (default)
   */
  public long rowsPerSecond() {
    return rowsPerSecond;
  }

  /**
   * Returns the longest attempt before it is aborted and retried.
   *
   * @return the timeout, or null for none (default)
   */
  public @Nullable Duration sliceTimeout() {
    return sliceTimeout;
  }

  /**
   * Returns the per-slice timeout.
   *
   * @return timeout, if set
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(sliceTimeout);
  }

  /**
   * Returns the retry policy.
   *
   * @return policy (default {@link RetryPolicy#defaults()})
   */
  public RetryPolicy retry() {
    return retry;
  }

  /**
   * Returns what the run does when slices fail.
   *
   * @return policy (default continue and report)
   */
  public FailurePolicy failurePolicy() {
    return failurePolicy;
  }

  /**
   * Returns how many records go to {@code SliceWriter.write} per call.
   *
   * @return batch size (default 1,000)
   */
  public int writeBatchSize() {
    return writeBatchSize;
  }

  /**
   * Returns how long a claimed slice (and the run's hold on its target) stays reserved without a heartbeat.
   *
   * @return lease time (default 5 minutes)
   */
  public Duration leaseTime() {
    return leaseTime;
  }

  /**
   * Returns the id of this process in the run history.
   *
   * @return worker id (default host:pid:random)
   */
  public String workerId() {
    return workerId;
  }

  /**
   * Returns the listeners receiving the run's events.
   *
   * @return listeners
   */
  public List<BackfillListener> listeners() {
    return listeners;
  }

  /**
   * Returns the caller's confirmation of an over-budget plan's estimate ({@link BackfillPlan#confirm()}).
   *
   * @return the confirmation, or null
   */
  public @Nullable CostConfirmation confirmation() {
    return confirmation;
  }

  /**
   * Returns the id for a new run.
   *
   * @return the id, or null to generate one
   */
  public @Nullable String runId() {
    return runId;
  }

  /**
   * Returns how long a new or resumed run waits for its target while another run of it is active.
   *
   * @return the wait; zero refuses at once (default)
   */
  public Duration targetWait() {
    return targetWait;
  }

  /**
   * Returns how long a starting or resumed run waits for its destination's lock (see
   * {@link DestinationLock}) while another writer holds it.
   *
   * @return the wait (default 1 minute)
   */
  public Duration lockWait() {
    return lockWait;
  }

  /**
   * Returns the limit on requests the run's sources send through {@link dev.backfill.spi.SliceContext#requests()}.
   *
   * @return requests per second over all slices of the run in a process, 0 for no limit
   */
  public double requestsPerSecond() {
    return requestsPerSecond;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExecutionOptions e && maxConcurrency == e.maxConcurrency
        && Double.compare(slicesPerSecond, e.slicesPerSecond) == 0 && rowsPerSecond == e.rowsPerSecond
        && Objects.equals(sliceTimeout, e.sliceTimeout) && retry.equals(e.retry) && failurePolicy.equals(e.failurePolicy)
        && writeBatchSize == e.writeBatchSize && leaseTime.equals(e.leaseTime) && workerId.equals(e.workerId)
        && listeners.equals(e.listeners) && Objects.equals(confirmation, e.confirmation) && Objects.equals(runId, e.runId)
        && targetWait.equals(e.targetWait) && lockWait.equals(e.lockWait) && explicit.equals(e.explicit)
        && Double.compare(requestsPerSecond, e.requestsPerSecond) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxConcurrency, slicesPerSecond, rowsPerSecond, sliceTimeout, retry, failurePolicy,
        writeBatchSize, leaseTime, workerId, listeners, confirmation, runId, targetWait, lockWait, explicit,
        requestsPerSecond);
  }

  @Override
  public String toString() {
    return "ExecutionOptions[maxConcurrency=" + maxConcurrency + ", slicesPerSecond=" + slicesPerSecond
        + ", rowsPerSecond=" + rowsPerSecond + ", sliceTimeout=" + sliceTimeout + ", retry=" + retry.describe()
        + ", failurePolicy=" + failurePolicy + ", writeBatchSize=" + writeBatchSize + ", leaseTime=" + leaseTime
        + ", workerId=" + workerId + ", targetWait=" + targetWait + ", requestsPerSecond=" + requestsPerSecond + "]";
  }

  /** Builds {@link ExecutionOptions}; each setter also marks its setting as explicit. */
  public static final class Builder {
    private int maxConcurrency = 1;
    private double slicesPerSecond;
    private long rowsPerSecond;
    private @Nullable Duration sliceTimeout;
    private RetryPolicy retry = RetryPolicy.defaults();
    private FailurePolicy failurePolicy = FailurePolicy.continueAndReport();
    private int writeBatchSize = 1000;
    private Duration leaseTime = Duration.ofMinutes(5);
    private String workerId = WorkerIds.local();
    private final List<BackfillListener> listeners = new ArrayList<>();
    private @Nullable CostConfirmation confirmation;
    private @Nullable String runId;
    private Duration targetWait = Duration.ZERO;
    private Duration lockWait = Duration.ofMinutes(1);
    private final Set<Setting> explicit = EnumSet.noneOf(Setting.class);
    private double requestsPerSecond;

    private Builder() {}

    /**
     * Sets how many slices run at once.
     *
     * @param n 1 or more
     * @return this builder
     */
    public Builder maxConcurrency(int n) {
      this.maxConcurrency = n;
      explicit.add(Setting.MAX_CONCURRENCY);
      return this;
    }

    /**
     * Limits slice starts per second.
     *
     * @param rate positive rate, or 0 for no limit
     * @return this builder
     */
    public Builder slicesPerSecond(double rate) {
      this.slicesPerSecond = rate;
      explicit.add(Setting.SLICES_PER_SECOND);
      return this;
    }

    /**
     * Limits records read per second across all slices.
     *
     * @param rate positive rate, or 0 for no limit
     * @return this builder
     */
    public Builder rowsPerSecond(long rate) {
      this.rowsPerSecond = rate;
      explicit.add(Setting.ROWS_PER_SECOND);
      return this;
    }

    /**
     * Aborts and retries an attempt that runs longer than this.
     *
     * @param timeout positive duration
     * @return this builder
     */
    public Builder sliceTimeout(Duration timeout) {
      this.sliceTimeout = requireNonNull(timeout, "timeout");
      explicit.add(Setting.SLICE_TIMEOUT);
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = requireNonNull(policy, "policy");
      explicit.add(Setting.RETRY);
      return this;
    }

    /**
     * Sets the failure policy.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder failurePolicy(FailurePolicy policy) {
      this.failurePolicy = requireNonNull(policy, "policy");
      explicit.add(Setting.FAILURE_POLICY);
      return this;
    }

    /**
     * Sets how many records go to the writer per batch.
     *
     * @param n 1 or more
     * @return this builder
     */
    public Builder writeBatchSize(int n) {
      this.writeBatchSize = n;
      explicit.add(Setting.WRITE_BATCH_SIZE);
      return this;
    }

    /**
     * Sets how long a claimed slice stays reserved without a heartbeat.
     *
     * @param lease at least 1 second
     * @return this builder
     */
    public Builder leaseTime(Duration lease) {
      this.leaseTime = requireNonNull(lease, "lease");
      explicit.add(Setting.LEASE_TIME);
      return this;
    }

    /**
     * Names this worker in the run history.
     *
     * @param id worker id, 1 to 200 characters
     * @return this builder
     */
    public Builder workerId(String id) {
      this.workerId = requireNonNull(id, "id");
      return this;
    }

    /**
     * Adds a listener.
     *
     * @param listener receives the run's events
     * @return this builder
     */
    public Builder listener(BackfillListener listener) {
      this.listeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Confirms executing an over-budget plan: the confirmation from {@link BackfillPlan#confirm()},
     * bound to that plan and the estimate the caller saw; a stale one (another plan, or an estimate
     * that grew since) is refused.
     *
     * @param c the confirmation
     * @return this builder
     */
    public Builder confirm(CostConfirmation c) {
      this.confirmation = requireNonNull(c, "confirmation");
      return this;
    }

    /**
     * Sets the id of a new run instead of generating one.
     *
     * @param id 1-64 letters, digits, '.', '_', ':' or '-'
     * @return this builder
     */
    public Builder runId(String id) {
      this.runId = requireNonNull(id, "id");
      return this;
    }

    /**
     * Waits up to this long for the target when another run of it is active, instead of refusing at
     * once (one run writes a target at a time).
     *
     * @param wait zero or positive
     * @return this builder
     */
    public Builder waitForTarget(Duration wait) {
      this.targetWait = requireNonNull(wait, "wait");
      return this;
    }

    /**
     * Sets how long a starting or resumed run waits for its destination's lock while another writer
     * (the host's incremental load, say) holds it, before it fails without writing anything.
     *
     * @param wait zero or positive (default 1 minute)
     * @return this builder
     */
    public Builder waitForDestinationLock(Duration wait) {
      this.lockWait = requireNonNull(wait, "wait");
      return this;
    }

    /**
     * Limits the requests the run's sources send through {@link dev.backfill.spi.SliceContext#requests()}:
     * one limiter shared by all slices of the run in this process, stored with the run so a resume keeps it.
     *
     * @param rate positive requests per second, or 0 for no limit
     * @return this builder
     */
    public Builder requestsPerSecond(double rate) {
      this.requestsPerSecond = rate;
      explicit.add(Setting.REQUESTS_PER_SECOND);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws InvalidConfigurationException naming any value out of range
     */
    public ExecutionOptions build() {
      return new ExecutionOptions(this);
    }
  }
}
