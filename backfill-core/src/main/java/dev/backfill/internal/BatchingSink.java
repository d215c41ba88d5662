package dev.backfill.internal;

import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Buffers a source's records into batches for the writer, applying the run's rows-per-second limit
 * and checking for cancellation once per batch.
 */
final class BatchingSink<T> implements RecordSink<T> {
  private final SliceWriter<? super T> writer;
  private final int batchSize;
  private final RunSession<?> session;
  private final AttemptContext context;
  /** Sized at its first record: a slice that yields nothing allocates no batch. */
  private ArrayList<T> buffer;

  BatchingSink(SliceWriter<? super T> writer, int batchSize, RunSession<?> session, AttemptContext context) {
    this.writer = writer;
    this.batchSize = batchSize;
    this.session = session;
    this.context = context;
    this.buffer = new ArrayList<>();
  }

  @Override
  public void accept(T record) {
    if (record == null) {
      throw new NullPointerException("source pushed a null record for slice " + context.slice().key());
    }
    if (buffer.isEmpty()) {
      buffer.ensureCapacity(Math.min(batchSize, 1024));
    }
    buffer.add(record);
    if (buffer.size() >= batchSize) {
      flush();
    }
  }

  void flush() {
    context.throwIfCancelled();
    if (buffer.isEmpty()) {
      return;
    }
    session.limits.awaitRows(buffer.size(), session);
    context.throwIfCancelled();
    try {
      writer.write(buffer);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CheckedFailure(e);
    }
    buffer = new ArrayList<>();
  }
}
