package dev.backfill;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a backfill will do: which partitions of a range run, why each was selected, in what order and
 * slices, what upstream data is gone, and what it is expected to cost. Immutable and
 * JSON-serialisable ({@link #toJson()} / {@link #fromJson(String)} round-trip exactly); a run persists
 * its plan so that workers and resumes never re-plan.
 *
 * <pre>{@code
 * BackfillPlan plan = backfill.plan(PartitionRange.of("2024-01-01", "2024-03-31"),
 *     PlanOptions.defaults().select(Selection.MISSING, Selection.FAILED));
 * System.out.println(plan.describe());      // dry run: slices, reasons, cost
 * }</pre>
 *
 * <p>Plans are compact: selected partitions are kept as runs of consecutive indexes of the range, so
 * a plan of a million partitions costs a few megabytes and is never materialised as objects.
 */
public final class BackfillPlan {
  private static final int DESCRIBE_ROWS = 20;

  private final String target;
  private final Partitioning partitioning;
  private final PartitionRange range;
  private final PlanOptions options;
  private final String logicVersion;
  private final Instant createdAt;
  private final PartitionSequence sequence;
  // Runs of consecutive selected partitions with one reason, in partition order.
  private final long[] segmentStart;
  private final int[] segmentCount;
  private final byte[] segmentReason;
  private final int[] segmentFirstSlice;
  private final RepeatedHours repeated;
  private final int sliceCount;
  private final long partitionCount;
  private final Unavailable unavailable;
  private final Incomplete incomplete;
  private final List<String> warnings;
  private final CostEstimate.Inputs costInputs;
  private final CostEstimate cost;
  private final @Nullable Origin origin;

  /**
   * Where a promoted plan ({@link #forEnvironment}) came from: the environment and the fingerprint of
   * the plan that ran there.
   */
  record Origin(String environment, String fingerprint) {}

  /**
   * Partitions left out because their upstream data is gone.
   *
   * @param partitions how many
   * @param first first such partition key, or null when none
   * @param last last such partition key, or null when none
   * @param detail the source's explanation for the first one
   */
  public record Unavailable(long partitions, @Nullable String first, @Nullable String last, String detail) {
    static final Unavailable NONE = new Unavailable(0, null, null, "");
  }

  /**
   * Time partitions of the range that were selected but have not ended yet, with the plan's lateness
   * ({@code end + lateness > now}): their data may still grow. Left out of the plan unless its
   * options {@link PlanOptions#allowPartial() allow partial} partitions, in which case they are
   * planned and this says which of them will be partial.
   *
   * @param partitions how many
   * @param first first such partition key, or null when none
   * @param last last such partition key, or null when none
   * @param completeAt when the first of them is complete (its end plus lateness), or null when none
   */
  public record Incomplete(long partitions, @Nullable String first, @Nullable String last, @Nullable Instant completeAt) {
    static final Incomplete NONE = new Incomplete(0, null, null, null);
  }

  BackfillPlan(String target, Partitioning partitioning, PartitionRange range, PlanOptions options,
      String logicVersion, Instant createdAt, PartitionSequence sequence, long[] segmentStart, int[] segmentCount,
      byte[] segmentReason, Unavailable unavailable, Incomplete incomplete, List<String> warnings,
      CostEstimate.Inputs costInputs) {
    this(target, partitioning, range, options, logicVersion, createdAt, sequence, segmentStart, segmentCount,
        segmentReason, unavailable, incomplete, warnings, costInputs, null);
  }

  BackfillPlan(String target, Partitioning partitioning, PartitionRange range, PlanOptions options,
      String logicVersion, Instant createdAt, PartitionSequence sequence, long[] segmentStart, int[] segmentCount,
      byte[] segmentReason, Unavailable unavailable, Incomplete incomplete, List<String> warnings,
      CostEstimate.Inputs costInputs, @Nullable Origin origin) {
    this.origin = origin;
    this.target = requireNonNull(target, "target");
    this.partitioning = requireNonNull(partitioning, "partitioning");
    this.range = requireNonNull(range, "range");
    this.options = requireNonNull(options, "options");
    this.logicVersion = requireNonNull(logicVersion, "logicVersion");
    this.createdAt = requireNonNull(createdAt, "createdAt");
    this.sequence = sequence;
    this.segmentStart = segmentStart;
    this.segmentCount = segmentCount;
    this.segmentReason = segmentReason;
    this.unavailable = unavailable;
    this.incomplete = requireNonNull(incomplete, "incomplete");
    this.warnings = List.copyOf(warnings);
    this.repeated = RepeatedHours.of(partitioning, sequence);
    this.segmentFirstSlice = new int[segmentStart.length];
    long slices = 0;
    long partitions = 0;
    int batch = options.batchSize();
    for (int s = 0; s < segmentStart.length; s++) {
      segmentFirstSlice[s] = (int) slices;
      // long arithmetic: units + batch - 1 overflows an int for batch sizes near Integer.MAX_VALUE
      slices += (repeated.units(segmentStart[s], segmentCount[s]) + batch - 1) / batch;
      partitions += segmentCount[s];
    }
    if (slices > Integer.MAX_VALUE - 8) {
      throw new InvalidRangeException("range " + range + " yields " + slices
          + " slices; at most " + (Integer.MAX_VALUE - 8) + " are supported, raise batchSize or split the range");
    }
    this.sliceCount = (int) slices;
    this.partitionCount = partitions;
    this.costInputs = costInputs;
    this.cost = costInputs.toEstimate(sliceCount, partitionCount, options);
  }

  /** Tells whether a run of repeated local hours is cut by a segment boundary (plans of another version). */
  boolean cutsRepeatedHours() {
    for (int s = 0; s < segmentStart.length; s++) {
      int atStart = repeated.runAt(segmentStart[s]);
      int atEnd = repeated.runAt(segmentStart[s] + segmentCount[s] - 1);
      if (atStart >= 0 && repeated.start(atStart) != segmentStart[s]
          || atEnd >= 0 && repeated.start(atEnd) + repeated.length(atEnd) != segmentStart[s] + segmentCount[s]) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the target name.
   *
   * @return target
   */
  public String target() {
    return target;
  }

  /**
   * Returns the target's partitioning.
   *
   * @return partitioning
   */
  public Partitioning partitioning() {
    return partitioning;
  }

  /**
   * Returns the planned range.
   *
   * @return range
   */
  public PartitionRange range() {
    return range;
  }

  /**
   * Returns the options the plan was made with.
   *
   * @return options
   */
  public PlanOptions options() {
    return options;
  }

  /**
   * Returns the logic version of the backfill that made the plan ("" when unset).
   *
   * @return logic version
   */
  public String logicVersion() {
    return logicVersion;
  }

  /**
   * Returns when the plan was made.
   *
   * @return creation time
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * Returns the number of partitions in the range, planned or not.
   *
   * @return range size
   */
  public long rangeSize() {
    return sequence.size();
  }

  /**
   * Returns the number of slices to run.
   *
   * @return slice count
   */
  public int sliceCount() {
    return sliceCount;
  }

  /**
   * Returns the number of partitions to run.
   *
   * @return planned partitions
   */
  public long partitionCount() {
    return partitionCount;
  }

  /**
   * Tells whether there is nothing to run.
   *
   * @return true when no partition was selected
   */
  public boolean isEmpty() {
    return sliceCount == 0;
  }

  /**
   * Returns how many partitions were selected for each reason.
   *
   * @return counts by reason, only reasons with partitions
   */
  public Map<Selection, Long> counts() {
    Map<Selection, Long> counts = new EnumMap<>(Selection.class);
    for (int s = 0; s < segmentStart.length; s++) {
      counts.merge(Selection.values()[segmentReason[s]], (long) segmentCount[s], Long::sum);
    }
    return Collections.unmodifiableMap(counts);
  }

  /**
   * Returns the partitions left out because upstream data is gone.
   *
   * @return summary, with 0 partitions when none
   */
  public Unavailable unavailable() {
    return unavailable;
  }

  /**
   * Returns the selected partitions that have not ended yet (with the plan's lateness): left out,
   * or, with {@link PlanOptions#allowPartial()}, planned and run partial.
   *
   * @return summary, with 0 partitions when none
   */
  public Incomplete incomplete() {
    return incomplete;
  }

  /**
   * Returns what the destination's preflight found worth knowing before the run (for example a
   * second unique key that also triggers a MariaDB upsert). Errors never reach a plan: they refuse it.
   *
   * @return warnings, empty when none
   */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Returns the cost estimate at the plan's {@link PlanOptions#concurrency() concurrency}, without rate
   * limits: the figure {@link #describe()} shows and budgets weigh. {@link #cost(ExecutionOptions)}
   * gives the estimate of a run with its own concurrency and rate limits.
   *
   * @return cost
   */
  public CostEstimate cost() {
    return cost;
  }

  /**
   * Returns the cost estimate of a run of this plan with these options: the duration from this
   * target's history spread over {@link ExecutionOptions#maxConcurrency()} lanes (not the plan's
   * {@link PlanOptions#concurrency() concurrency}), and never shorter than the run's rate limits
   * allow: slices ÷ {@link ExecutionOptions#slicesPerSecond()}, and estimated rows ÷
   * {@link ExecutionOptions#rowsPerSecond()} when the source estimated every planned partition.
   * Without history, a rate limit alone gives a lower bound and the basis says "at least"; without
   * either, the duration is unknown. The request limit is named but not counted, since requests per
   * slice are unknown before a run. Retry backoff is inside the past durations, not modelled apart.
   *
   * <pre>{@code
   * ExecutionOptions gentle = ExecutionOptions.builder().maxConcurrency(4).slicesPerSecond(1).build();
   * System.out.println(plan.cost(gentle).describe());
   * // 30 slices, 30 partitions, rows unknown (...), duration ~30s (at least 30s at the limit of 1 slice/s
   * // (30 slices); no run history for this target, so it may take longer)
   * backfill.execute(plan, gentle);
   * }</pre>
   *
   * <p>Budgets ({@link #overBudget()}) and confirmations ({@link #confirm()}) weigh {@link #cost()},
   * which does not depend on how a run is executed.
   *
   * @param options the options a run would execute with
   * @return the estimate
   */
  public CostEstimate cost(ExecutionOptions options) {
    requireNonNull(options, "options");
    return costInputs.toEstimate(sliceCount, partitionCount, options);
  }

  /**
   * Tells why executing this plan needs explicit confirmation: its estimate exceeds a budget of its
   * options, or is unknown while a budget is set.
   *
   * @return the reason, or empty when within budget or no budget is set
   */
  public Optional<String> overBudget() {
    Optional<Long> maxRows = options.rowBudget();
    if (maxRows.isPresent()) {
      if (cost.rows().isEmpty()) {
        return Optional.of("estimated rows are unknown (" + cost.rowsBasis() + ") and the budget is " + maxRows.get() + " rows");
      }
      if (cost.rows().getAsLong() > maxRows.get()) {
        return Optional.of("estimated rows " + cost.rows().getAsLong() + " exceed the budget of " + maxRows.get());
      }
    }
    Optional<Duration> maxDuration = options.durationBudget();
    if (maxDuration.isPresent()) {
      if (cost.duration().isEmpty()) {
        return Optional.of("estimated duration is unknown (" + cost.durationBasis() + ") and the budget is " + maxDuration.get());
      }
      if (cost.duration().get().compareTo(maxDuration.get()) > 0) {
        return Optional.of("estimated duration " + cost.duration().get() + " exceeds the budget of " + maxDuration.get());
      }
    }
    return Optional.empty();
  }

  /**
   * Confirms this plan's cost estimate, as {@link #describe()} shows it: pass the token to
   * {@link ExecutionOptions.Builder#confirm} to execute a plan over its budget. The token is bound to
   * this plan (target, environment, range, options, logic version) and to this estimate: it is refused
   * for another plan, and for a later plan of the same range whose estimate has grown.
   *
   * @return the confirmation
   */
  public CostConfirmation confirm() {
    return CostConfirmation.of(this);
  }

  /**
   * Returns this plan for another environment: the same partitions, reasons, slices and options, for
   * running there after it succeeded here (staging, then production). Executing it checks that a run
   * of this very plan succeeded in this plan's environment, and that the history has not moved since
   * (the same request would select the same partitions for the same reasons); otherwise it is refused,
   * naming what changed.
   *
   * <pre>{@code
   * BackfillPlan plan = stagingBackfill.plan(range);
   * stagingBackfill.execute(plan).await();
   * prodBackfill.execute(plan.forEnvironment("prod")).await();
   * }</pre>
   *
   * @param environment the name of the environment to run in
   * @return the plan for that environment
   */
  public BackfillPlan forEnvironment(String environment) {
    requireNonNull(environment, "environment");
    return new BackfillPlan(target, partitioning, range, options.environment(environment), logicVersion, createdAt,
        sequence, segmentStart, segmentCount, segmentReason, unavailable, incomplete, warnings, costInputs,
        new Origin(options.environment(), fingerprint()));
  }

  /**
   * Returns the environment this plan was promoted from ({@link #forEnvironment}).
   *
   * @return that environment's name, if promoted
   */
  public Optional<String> promotedFrom() {
    return Optional.ofNullable(origin).map(Origin::environment);
  }

  @Nullable Origin origin() {
    return origin;
  }

  /** SHA-256 of the plan's JSON: what a run of this plan stores, so runs of it can be found. */
  String fingerprint() {
    return fingerprint(toJson());
  }

  static String fingerprint(String planJson) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(planJson.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Returns one planned slice.
   *
   * @param index position in execution order, {@code 0 <= index < sliceCount()}
   * @return the slice's row of the plan
   */
  public PlannedSlice slice(int index) {
    long[] span = span(index);
    PartitionKey first = sequence.keyAt(span[0]);
    PartitionKey last = span[1] == 1 ? first : sequence.keyAt(span[0] + span[1] - 1);
    return new PlannedSlice(index, Slice.keyOf(first, last), first, last, (int) span[1],
        Selection.values()[segmentReason[(int) span[2]]]);
  }

  /**
   * Returns all planned slices in execution order, lazily.
   *
   * @return a lazy list
   */
  public List<PlannedSlice> slices() {
    return new AbstractList<>() {
      @Override
      public PlannedSlice get(int index) {
        return slice(index);
      }

      @Override
      public int size() {
        return sliceCount;
      }
    };
  }

  /**
   * Returns the partitions of one slice, in partition order.
   *
   * @param index slice index in execution order
   * @return the partitions
   */
  public List<Partition> partitions(int index) {
    long[] span = span(index);
    List<Partition> partitions = new ArrayList<>((int) span[1]);
    for (long i = 0; i < span[1]; i++) {
      partitions.add(sequence.get(span[0] + i));
    }
    return partitions;
  }

  /**
   * Returns the keys of one slice's partitions, in partition order, without building the partitions.
   *
   * @param index slice index in execution order
   * @return canonical partition keys
   */
  public List<String> partitionKeys(int index) {
    long[] span = span(index);
    List<String> keys = new ArrayList<>((int) span[1]);
    for (long i = 0; i < span[1]; i++) {
      keys.add(sequence.keyAt(span[0] + i).value());
    }
    return keys;
  }

  /**
   * Returns a slice with its partitions and built-in tokens (user tokens are added by the backfill).
   *
   * @param index slice index in execution order
   * @return the slice
   */
  public Slice toSlice(int index) {
    return Slice.of(index, partitions(index));
  }

  /** Returns {first partition index in range, partition count, segment}. */
  private long[] span(int index) {
    if (index < 0 || index >= sliceCount) {
      throw new IndexOutOfBoundsException("slice " + index + " outside 0.." + (sliceCount - 1));
    }
    int natural = options.order() == PlanOptions.Order.OLDEST_FIRST ? index : sliceCount - 1 - index;
    int segment = Arrays.binarySearch(segmentFirstSlice, natural);
    if (segment < 0) {
      segment = -segment - 2;
    }
    // Several empty-looking segments cannot share a first slice: every segment has >= 1 partition.
    int offset = natural - segmentFirstSlice[segment];
    int batch = options.batchSize();
    // Slices hold batchSize units: a partition, or a whole run of repeated local hours.
    long unit = (long) offset * batch;
    long first = repeated.partitionOffset(segmentStart[segment], unit);
    long end = Math.min(segmentCount[segment], repeated.partitionOffset(segmentStart[segment], unit + batch));
    return new long[] {segmentStart[segment] + first, end - first, segment};
  }

  long[] segmentStarts() {
    return segmentStart;
  }

  int[] segmentCounts() {
    return segmentCount;
  }

  byte[] segmentReasons() {
    return segmentReason;
  }

  CostEstimate.Inputs costInputs() {
    return costInputs;
  }

  PartitionSequence sequence() {
    return sequence;
  }

  /**
   * Serialises the plan to JSON, with a checksum that {@link #fromJson(String)} verifies.
   *
   * @return JSON text
   */
  public String toJson() {
    return PlanJson.write(this);
  }

  /**
   * Reads a plan written by {@link #toJson()}.
   *
   * @param json JSON text
   * @return the plan, equal to the one serialised
   * @throws PlanIntegrityException if the text was changed, is not a plan, or does not fit its partitioning
   */
  public static BackfillPlan fromJson(String json) {
    return PlanJson.read(json);
  }

  /**
   * Returns a readable dry-run report: header, counts by reason, unavailable partitions, cost and the
   * first and last slices as a table.
   *
   * @return multi-line text
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("Backfill plan for ").append(target).append(" (").append(partitioning.describe()).append(")\n");
    out.append("  range        ").append(range).append(" (").append(fmt(rangeSize())).append(" partitions)\n");
    out.append("  environment  ").append(options.environment())
        .append(logicVersion.isEmpty() ? "" : ", logic version " + logicVersion).append('\n');
    out.append("  selection    ").append(sorted(options.selection())).append(", ")
        .append(options.order() == PlanOptions.Order.OLDEST_FIRST ? "oldest first" : "newest first")
        .append(", batch size ").append(options.batchSize()).append('\n');
    out.append("  planned      ").append(fmt(partitionCount)).append(" partitions in ").append(fmt(sliceCount))
        .append(" slices");
    Map<Selection, Long> counts = counts();
    if (!counts.isEmpty()) {
      StringBuilder c = new StringBuilder();
      counts.forEach((k, v) -> c.append(c.length() == 0 ? "" : ", ").append(k).append(' ').append(fmt(v)));
      out.append(": ").append(c);
    }
    out.append('\n');
    out.append("  unavailable  ").append(unavailable.partitions() == 0 ? "none"
        : fmt(unavailable.partitions()) + " skipped, " + unavailable.first() + " .. " + unavailable.last()
            + " (" + unavailable.detail() + ")").append('\n');
    if (incomplete.partitions() > 0) {
      out.append("  incomplete   ").append(fmt(incomplete.partitions()))
          .append(options.partialAllowed() ? " planned partial, " : " left out, ")
          .append(incomplete.first()).append(" .. ").append(incomplete.last())
          .append(" (not ended: the first is complete at ").append(incomplete.completeAt())
          .append(", end + lateness ").append(options.lateness())
          .append(options.partialAllowed() ? "; planned again as PARTIAL once complete)"
              : "; PlanOptions.allowPartial() runs them now, partial)").append('\n');
    }
    for (String w : warnings) {
      out.append("  warning      ").append(w).append('\n');
    }
    out.append("  rows         ").append(cost.rows().isPresent() ? "~" + fmt(cost.rows().getAsLong()) : "unknown")
        .append(" (").append(cost.rowsBasis()).append(")\n");
    out.append("  duration     ").append(cost.duration().map(CostEstimate::human).orElse("unknown"))
        .append(" (").append(cost.durationBasis()).append(")\n");
    overBudget().ifPresent(reason -> out.append("  budget       EXCEEDED: ").append(reason).append('\n'));
    if (sliceCount == 0) {
      out.append("  nothing to do\n");
      return out.toString();
    }
    int keyWidth = 5;
    List<Integer> shown = new ArrayList<>();
    for (int i = 0; i < sliceCount; i++) {
      if (i < DESCRIBE_ROWS || i >= sliceCount - DESCRIBE_ROWS / 2) {
        shown.add(i);
        keyWidth = Math.max(keyWidth, slice(i).key().length());
      } else if (i == DESCRIBE_ROWS) {
        shown.add(-1);
        i = sliceCount - DESCRIBE_ROWS / 2 - 1;
      }
    }
    String row = "  %6s  %-" + keyWidth + "s  %10s  %s%n";
    out.append('\n').append(String.format(Locale.ROOT, row, "#", "slice", "partitions", "reason"));
    for (int i : shown) {
      if (i < 0) {
        out.append(String.format(Locale.ROOT, row, "...", "...", "", ""));
        continue;
      }
      PlannedSlice s = slice(i);
      out.append(String.format(Locale.ROOT, row, i, s.key(), s.partitions(), s.reason()));
    }
    return out.toString();
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String sorted(java.util.Set<Selection> set) {
    return set.stream().sorted().map(Enum::name).reduce((a, b) -> a + ", " + b).orElse("");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BackfillPlan p
        && target.equals(p.target)
        && partitioning.equals(p.partitioning)
        && range.equals(p.range)
        && options.equals(p.options)
        && logicVersion.equals(p.logicVersion)
        && createdAt.equals(p.createdAt)
        && Arrays.equals(segmentStart, p.segmentStart)
        && Arrays.equals(segmentCount, p.segmentCount)
        && Arrays.equals(segmentReason, p.segmentReason)
        && unavailable.equals(p.unavailable)
        && incomplete.equals(p.incomplete)
        && warnings.equals(p.warnings)
        && cost.equals(p.cost)
        && Objects.equals(origin, p.origin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, partitioning, range, createdAt, sliceCount);
  }

  @Override
  public String toString() {
    return "BackfillPlan[" + target + " " + range + ", " + sliceCount + " slices]";
  }
}
