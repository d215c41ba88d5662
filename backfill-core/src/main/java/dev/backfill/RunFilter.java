package dev.backfill;

import dev.backfill.spi.RunRecord;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which runs {@link RunHistory#runs(RunFilter)} lists: all targets or one, some statuses, a window of
 * creation times, one page. Immutable; every method returns a changed copy.
 *
 * <pre>{@code
 * RunFilter failedThisWeek = RunFilter.all()
 *     .target("mart.daily_revenue")
 *     .status(RunStatus.FAILED, RunStatus.CANCELLED)
 *     .createdSince(Instant.now().minus(Duration.ofDays(7)))
 *     .page(0, 20);                                      // newest first, 20 per page
 * }</pre>
 *
 * @param target only runs of this target, or null for all
 * @param statuses only runs with one of these statuses; empty for any
 * @param createdSince only runs created at or after this, or null
 * @param createdBefore only runs created before this, or null
 * @param offset runs to skip (newest first)
 * @param limit runs to return at most, 1 to {@value #MAX_LIMIT}
 */
public record RunFilter(@Nullable String target, Set<RunStatus> statuses, @Nullable Instant createdSince,
    @Nullable Instant createdBefore, int offset, int limit) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1_000;

  /**
   * Validates the filter.
   *
   * @param target target or null
   * @param statuses statuses
   * @param createdSince lower bound or null
   * @param createdBefore upper bound or null
   * @param offset skipped runs
   * @param limit page size
   * @throws InvalidConfigurationException for a negative offset, a limit out of range or an empty window
   */
  public RunFilter {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    if (offset < 0) {
      throw new InvalidConfigurationException("offset " + offset + " is not allowed; expected 0 or more runs to skip");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidConfigurationException("limit " + limit + " is not allowed; expected 1 to " + MAX_LIMIT
          + " runs per page");
    }
    if (createdSince != null && createdBefore != null && !createdSince.isBefore(createdBefore)) {
      throw new InvalidConfigurationException("createdSince " + createdSince + " is not before createdBefore "
          + createdBefore + "; expected a window of creation times");
    }
  }

  /**
   * Returns the filter of every run, newest first, 50 per page.
   *
   * @return the filter
   */
  public static RunFilter all() {
    return new RunFilter(null, Set.of(), null, null, 0, 50);
  }

  /**
   * Restricts to one target.
   *
   * @param name target name, or null for all targets
   * @return the changed filter
   */
  public RunFilter target(@Nullable String name) {
    return new RunFilter(name, statuses, createdSince, createdBefore, offset, limit);
  }

  /**
   * Restricts to some statuses.
   *
   * @param any statuses; none for any status
   * @return the changed filter
   */
  public RunFilter status(RunStatus... any) {
    return new RunFilter(target, Set.of(any), createdSince, createdBefore, offset, limit);
  }

  /**
   * Keeps runs created at or after an instant.
   *
   * @param since lower bound, or null for none
   * @return the changed filter
   */
  public RunFilter createdSince(@Nullable Instant since) {
    return new RunFilter(target, statuses, since, createdBefore, offset, limit);
  }

  /**
   * Keeps runs created before an instant.
   *
   * @param before upper bound (exclusive), or null for none
   * @return the changed filter
   */
  public RunFilter createdBefore(@Nullable Instant before) {
    return new RunFilter(target, statuses, createdSince, before, offset, limit);
  }

  /**
   * Selects one page.
   *
   * @param number page number, from 0
   * @param size runs per page, 1 to {@value #MAX_LIMIT}
   * @return the changed filter
   * @throws InvalidConfigurationException for a negative page or a size out of range
   */
  public RunFilter page(int number, int size) {
    if (number < 0) {
      throw new InvalidConfigurationException("page " + number + " is not allowed; expected 0 or more");
    }
    return new RunFilter(target, statuses, createdSince, createdBefore, Math.multiplyExact(number, size), size);
  }

  /**
   * Tells whether a run matches target, statuses and window (not the page).
   *
   * @param run a stored run
   * @return true when it matches
   */
  public boolean matches(RunRecord run) {
    return (target == null || target.equals(run.target()))
        && (statuses.isEmpty() || statuses.contains(run.status()))
        && (createdSince == null || !run.createdAt().isBefore(createdSince))
        && (createdBefore == null || run.createdAt().isBefore(createdBefore));
  }
}
