package dev.backfill;

import dev.backfill.spi.SliceWriter;
import java.util.List;
import java.util.Optional;

/** A writer that forwards to another, for tests that observe or alter one call. */
class ForwardingWriter implements SliceWriter<Row> {
  private final SliceWriter<Row> inner;

  ForwardingWriter(SliceWriter<Row> inner) {
    this.inner = inner;
  }

  @Override
  public void write(List<? extends Row> batch) throws Exception {
    inner.write(batch);
  }

  @Override
  public SliceStats stats() throws Exception {
    return inner.stats();
  }

  @Override
  public void commit() throws Exception {
    inner.commit();
  }

  @Override
  public void abort() {
    inner.abort();
  }

  @Override
  public <R> Optional<R> resource(Class<R> type) {
    return inner.resource(type);
  }
}
