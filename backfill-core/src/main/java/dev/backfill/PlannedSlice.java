package dev.backfill;

/**
 * One row of a plan: a slice, its partitions and why it was selected.
 *
 * @param index position in execution order
 * @param key slice key ({@code first..last} for a batch)
 * @param first first partition key
 * @param last last partition key
 * @param partitions number of partitions
 * @param reason why its partitions were selected
 */
public record PlannedSlice(int index, String key, PartitionKey first, PartitionKey last, int partitions, Selection reason) {}
