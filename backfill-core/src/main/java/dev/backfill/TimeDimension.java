package dev.backfill;

import java.time.Instant;
import java.util.Optional;

/**
 * What the time partitionings (calendar units and cron schedules) share beyond {@link Partitioning}:
 * stepping from one partition to its neighbours, a configured first partition and the end offset of
 * "as of" listings. Package-private: users reach these through {@link Partitioning}.
 */
interface TimeDimension {
  /** Most partitions an end offset may add or remove; more is almost certainly a mistake. */
  int MAX_OFFSET = 10_000;

  /**
   * Returns the partition {@code partitions} steps after (or, negative, before) another.
   *
   * @throws InvalidRangeException when that is outside the partitions this partitioning can name
   */
  Partition shift(Partition partition, long partitions);

  Partition partitionAt(Instant instant);

  PartitionSequence enumerate(PartitionRange range);

  Optional<PartitionKey> firstPartition();

  int endOffset();

  String describe();

  static int checkOffset(int partitions) {
    if (Math.abs(partitions) > MAX_OFFSET) {
      throw new InvalidConfigurationException("end offset " + partitions + " is out of range; expected -" + MAX_OFFSET
          + " .. " + MAX_OFFSET + " partitions (1 lists the open partition, -1 stops one partition earlier)");
    }
    return partitions;
  }

  /**
   * The partitions listed as of an instant: from the first partition to the last one that ended at or
   * before it, moved by the end offset (Dagster's {@code end_offset}: 1 adds the partition still open,
   * -1 leaves out the last one that ended).
   */
  static PartitionSequence completeAsOf(TimeDimension d, Instant instant) {
    PartitionKey first = d.firstPartition().orElseThrow(() -> new InvalidConfigurationException(d.describe()
        + " has no first partition, so it cannot list its partitions as of " + instant
        + "; configure one with startingAt(\"...\")"));
    Partition open = d.partitionAt(instant);
    // Whether the instant is inside the partition or exactly at its start, that partition has not ended.
    Partition lastEnded = d.shift(open, -1);
    Partition last = d.shift(lastEnded, d.endOffset());
    Partition start = d.enumerate(PartitionRange.single(first.value())).get(0);
    if (last.window().orElseThrow().start().isBefore(start.window().orElseThrow().start())) {
      return EmptySequence.INSTANCE;
    }
    return d.enumerate(PartitionRange.of(first.value(), last.key().value()));
  }

  /** A sequence without partitions: nothing is listed yet. */
  final class EmptySequence implements PartitionSequence {
    static final EmptySequence INSTANCE = new EmptySequence();

    private EmptySequence() {}

    @Override
    public long size() {
      return 0;
    }

    @Override
    public Partition get(long index) {
      throw new IndexOutOfBoundsException("index " + index + " of an empty sequence");
    }

    @Override
    public long indexOf(PartitionKey key) {
      return -1;
    }
  }
}
