package dev.backfill;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy, random-access view of the partitions of a range, in partition order.
 *
 * <p>Nothing is materialised: {@link #get(long)} computes a partition from its index, so a range of a
 * million partitions costs a few objects until it is iterated. Sequences are immutable and
 * thread-safe.
 */
public interface PartitionSequence extends Iterable<Partition> {

  /**
   * Returns the number of partitions in the range.
   *
   * @return partition count
   */
  long size();

  /**
   * Returns the partition at an index.
   *
   * @param index zero-based position, {@code 0 <= index < size()}
   * @return the partition
   * @throws IndexOutOfBoundsException outside the range
   */
  Partition get(long index);

  /**
   * Returns the key at an index without building the partition.
   *
   * @param index zero-based position
   * @return the key
   */
  default PartitionKey keyAt(long index) {
    return get(index).key();
  }

  /**
   * Returns the index of a key in this range.
   *
   * @param key a key of the same partitioning
   * @return its index, or -1 when the key is outside the range or not a valid key
   */
  long indexOf(PartitionKey key);

  /**
   * Iterates the partitions in order.
   *
   * @return an iterator
   */
  @Override
  default Iterator<Partition> iterator() {
    return new Iterator<>() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < size();
      }

      @Override
      public Partition next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return get(next++);
      }
    };
  }

  /**
   * Streams the partitions in order.
   *
   * @return a sequential stream
   */
  default Stream<Partition> stream() {
    return StreamSupport.stream(
        Spliterators.spliterator(iterator(), size(),
            Spliterator.ORDERED | Spliterator.IMMUTABLE | Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }
}
