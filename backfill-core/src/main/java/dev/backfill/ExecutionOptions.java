package dev.backfill;

import static java.util.Objects.requireNonNull;

import dev.backfill.event.BackfillListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * @param maxConcurrency slices in flight at once (default 1)
 * @param slicesPerSecond most slice starts per second, 0 for no limit (default)
 * @param rowsPerSecond most records read per second, 0 for no limit (default)
 * @param sliceTimeout longest attempt before it is aborted and retried, or null for none (default)
 * @param retry retry policy (default {@link RetryPolicy#defaults()})
 * @param failurePolicy what to do when slices fail (default continue and report)
 * @param writeBatchSize records per {@code SliceWriter.write} call (default 1,000)
 * @param leaseTime how long a claimed slice stays reserved without heartbeat (default 5 minutes)
 * @param workerId id of this process in the run history (default host:pid:random)
 * @param listeners listeners receiving the run's events
 * @param confirmation the caller's confirmation of an over-budget plan's estimate ({@link BackfillPlan#confirm()}),
 *     or null
 * @param runId id for a new run, or null to generate one
 */
public record ExecutionOptions(
    int maxConcurrency,
    double slicesPerSecond,
    long rowsPerSecond,
    @Nullable Duration sliceTimeout,
    RetryPolicy retry,
    FailurePolicy failurePolicy,
    int writeBatchSize,
    Duration leaseTime,
    String workerId,
    List<BackfillListener> listeners,
    @Nullable CostConfirmation confirmation,
    @Nullable String runId) {

  /**
   * Validates the options.
   *
   * @param maxConcurrency concurrency
   * @param slicesPerSecond slice rate
   * @param rowsPerSecond row rate
   * @param sliceTimeout timeout
   * @param retry retry policy
   * @param failurePolicy failure policy
   * @param writeBatchSize batch size
   * @param leaseTime lease
   * @param workerId worker id
   * @param listeners listeners
   * @param confirmation cost confirmation, or null
   * @param runId run id
   */
  public ExecutionOptions {
    if (maxConcurrency < 1) {
      throw new InvalidConfigurationException("maxConcurrency " + maxConcurrency + " is not allowed; expected 1 or more slices in flight");
    }
    if (!(slicesPerSecond >= 0) || Double.isInfinite(slicesPerSecond)) {
      throw new InvalidConfigurationException("slicesPerSecond " + slicesPerSecond + " is not allowed; expected 0 (no limit) or a positive rate");
    }
    if (rowsPerSecond < 0) {
      throw new InvalidConfigurationException("rowsPerSecond " + rowsPerSecond + " is not allowed; expected 0 (no limit) or a positive rate");
    }
    if (sliceTimeout != null && (sliceTimeout.isNegative() || sliceTimeout.isZero())) {
      throw new InvalidConfigurationException("sliceTimeout " + sliceTimeout + " is not allowed; expected a positive duration");
    }
    requireNonNull(retry, "retry");
    requireNonNull(failurePolicy, "failurePolicy");
    if (writeBatchSize < 1) {
      throw new InvalidConfigurationException("writeBatchSize " + writeBatchSize + " is not allowed; expected 1 or more records per batch");
    }
    if (leaseTime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new InvalidConfigurationException("leaseTime " + leaseTime + " is too short; expected at least 1 second");
    }
    if (workerId.isBlank()) {
      throw new InvalidConfigurationException("workerId is blank; expected a name for this process");
    }
    if (runId != null && !runId.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new InvalidConfigurationException("runId '" + runId + "' is not allowed; expected 1-64 letters, digits, '.', '_', ':' or '-'");
    }
    listeners = List.copyOf(listeners);
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
   * Returns a builder holding these options.
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
    return b;
  }

  /**
   * Returns the per-slice timeout.
   *
   * @return timeout, if set
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(sliceTimeout);
  }

  /** Builds {@link ExecutionOptions}. */
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

    private Builder() {}

    /**
     * Sets how many slices run at once.
     *
     * @param n 1 or more
     * @return this builder
     */
    public Builder maxConcurrency(int n) {
      this.maxConcurrency = n;
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
      return this;
    }

    /**
     * Names this worker in the run history.
     *
     * @param id worker id
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
     * Confirms the cost estimate of a plan that exceeds its budget, with the token the plan gave
     * ({@link BackfillPlan#confirm()}). It only lets that plan run, and only while its estimate has not
     * grown; a stale confirmation is refused.
     *
     * @param confirmation from {@code plan.confirm()}
     * @return this builder
     */
    public Builder confirm(CostConfirmation confirmation) {
      this.confirmation = requireNonNull(confirmation, "confirmation");
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
     * Builds the options.
     *
     * @return the options
     * @throws InvalidConfigurationException naming any value out of range
     */
    public ExecutionOptions build() {
      return new ExecutionOptions(maxConcurrency, slicesPerSecond, rowsPerSecond, sliceTimeout, retry, failurePolicy,
          writeBatchSize, leaseTime, workerId, listeners, confirmation, runId);
    }
  }
}
