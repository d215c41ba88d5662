package dev.backfill.internal;

import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceWriter;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Buffers a source's records into batches for the writer, applying the rows-per-second limit and
 * checking for cancellation once per batch.
 */
final class BatchingSink<T> implements RecordSink<T> {
  private final SliceWriter<? super T> writer;
  private final int batchSize;
  private final @Nullable RateLimiter rowLimiter;
  private final int permitsPerCall;
  private final AttemptContext context;
  private List<T> buffer;

  BatchingSink(SliceWriter<? super T> writer, int batchSize, @Nullable RateLimiter rowLimiter, AttemptContext context) {
    this.writer = writer;
    this.batchSize = batchSize;
    this.rowLimiter = rowLimiter;
    this.permitsPerCall = rowLimiter == null ? 0 : rowLimiter.getRateLimiterConfig().getLimitForPeriod();
    this.context = context;
    this.buffer = new ArrayList<>(Math.min(batchSize, 1024));
  }

  @Override
  public void accept(T record) {
    if (record == null) {
      throw new NullPointerException("source pushed a null record for slice " + context.slice().key());
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
    throttle(buffer.size());
    try {
      writer.write(buffer);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new WriteFailure(e);
    }
    buffer = new ArrayList<>(Math.min(batchSize, 1024));
  }

  private void throttle(int rows) {
    if (rowLimiter == null) {
      return;
    }
    for (int left = rows; left > 0; left -= permitsPerCall) {
      if (!rowLimiter.acquirePermission(Math.min(left, permitsPerCall))) {
        context.throwIfCancelled();
      }
    }
  }

  /** A checked exception of the writer, carried through the source's loop. */
  static final class WriteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WriteFailure(Exception cause) {
      super(cause);
    }
  }
}
