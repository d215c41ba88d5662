package dev.backfill.internal;

import dev.backfill.BackfillPlan;
import dev.backfill.spi.SliceRecord;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The PENDING slice records of a new run, made from its plan one at a time as a store reads them,
 * so that creating a run of millions of slices never holds them all in memory.
 */
final class PlannedSlices extends AbstractList<SliceRecord> implements RandomAccess {
  private final String runId;
  private final BackfillPlan plan;

  PlannedSlices(String runId, BackfillPlan plan) {
    this.runId = runId;
    this.plan = plan;
  }

  @Override
  public SliceRecord get(int index) {
    return SliceRecord.pending(runId, index, plan.slice(index).key(), plan.partitionKeys(index));
  }

  @Override
  public int size() {
    return plan.sliceCount();
  }
}
