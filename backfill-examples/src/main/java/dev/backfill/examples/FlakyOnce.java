package dev.backfill.examples;

import dev.backfill.Partition;
import dev.backfill.Slice;
import dev.backfill.spi.Availability;
import dev.backfill.spi.Estimate;
import dev.backfill.spi.RecordSink;
import dev.backfill.spi.SliceContext;
import dev.backfill.spi.SourceNode;
import java.sql.SQLTransactionRollbackException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's injected fault: a source that fails once, on one day, with a serialization failure (SQL
 * state 40001, transient), so the executor retries it with backoff. Every read logs a line, which the
 * run history keeps with the slice's attempt. The plan's row estimate comes from the estimator.
 *
 * @param <T> record type
 */
final class FlakyOnce<T> implements SourceNode<T> {
  private static final Logger log = LoggerFactory.getLogger(FlakyOnce.class);

  private final SourceNode<T> source;
  private final String day;
  private final Estimator estimator;
  private final AtomicBoolean failed = new AtomicBoolean();

  /** Estimates the rows of a partition for the plan's cost. */
  @FunctionalInterface
  interface Estimator {
    Optional<Estimate> estimate(Partition partition) throws Exception;
  }

  FlakyOnce(SourceNode<T> source, String day, Estimator estimator) {
    this.source = source;
    this.day = day;
    this.estimator = estimator;
  }

  @Override
  public void read(Slice slice, SliceContext context, RecordSink<? super T> sink) throws Exception {
    log.info("reading {} (attempt {})", slice.key(), context.attempt());
    if (slice.key().equals(day) && failed.compareAndSet(false, true)) {
      log.warn("injected fault: serialization failure on {}", day);
      throw new SQLTransactionRollbackException("could not serialize access (injected by the demo)", "40001");
    }
    source.read(slice, context, sink);
  }

  @Override
  public Availability availability(Partition partition) throws Exception {
    return source.availability(partition);
  }

  @Override
  public Optional<Estimate> estimate(Partition partition) throws Exception {
    return estimator.estimate(partition);
  }

  @Override
  public void validate(Set<String> tokens) {
    source.validate(tokens);
  }

  @Override
  public String describe() {
    return source.describe();
  }
}
