package dev.backfill.spi;

/**
 * Where a {@link SourceNode} pushes the records of a slice. The executor batches them for the writer
 * and applies rate limits and cancellation here, so a source only loops over its input.
 *
 * @param <T> record type
 */
@FunctionalInterface
public interface RecordSink<T> {

  /**
   * Accepts one record.
   *
   * @param record the record, not null
   * @throws SliceCancelledException when the attempt was cancelled; let it propagate
   */
  void accept(T record);
}
