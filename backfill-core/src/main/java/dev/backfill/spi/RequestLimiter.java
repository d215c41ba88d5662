package dev.backfill.spi;

/**
 * The run's limit on requests a source sends to a quota'd service, shared by every slice of the run
 * in this process (see {@code ExecutionOptions.Builder.requestsPerSecond}): a source calls
 * {@link #acquire()} before each request. Waits happen on the run's time source, so they are virtual
 * under the test kit, and an IMMEDIATE cancel cuts them short.
 *
 * <pre>{@code
 * public void read(Slice slice, SliceContext ctx, RecordSink<? super Row> sink) throws Exception {
 *   for (String page : pages(slice)) {
 *     ctx.requests().acquire();                 // at most requestsPerSecond over the whole run
 *     sink.acceptAll(client.get(page));
 *   }
 * }
 * }</pre>
 */
public interface RequestLimiter {
  /** A limiter that never waits. */
  RequestLimiter UNLIMITED = () -> { };

  /**
   * Waits until one more request may be sent.
   *
   * @throws SliceCancelledException when the attempt was cancelled while waiting
   */
  void acquire();
}
