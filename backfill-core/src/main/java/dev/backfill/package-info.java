/**
 * The API of Backfill for Java: start at {@link dev.backfill.Backfill#builder(String)}.
 *
 * <p>A backfill replays existing pipeline logic over partitions that already passed: it plans which
 * partitions need (re)processing ({@link dev.backfill.BackfillPlan}), runs them slice by slice with
 * bounded concurrency, retries and checks before commit, and records every slice in a
 * {@link dev.backfill.spi.StateStore} so that a run can be resumed without redoing committed work.
 */
@NullMarked
package dev.backfill;

import org.jspecify.annotations.NullMarked;
