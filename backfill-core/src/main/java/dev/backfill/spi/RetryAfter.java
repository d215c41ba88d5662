package dev.backfill.spi;

import java.time.Duration;

/**
 * A hint, carried by an exception a source or destination throws, of how long to wait before trying
 * again: an HTTP 429 or 503 answer's {@code Retry-After}, a quota's reset time. Anywhere in a
 * failure's cause chain, it makes the failure transient (retried by the default policy) and the retry
 * waits at least this long, even when the policy's backoff is shorter; the policy's attempts still
 * bound the retries.
 *
 * <pre>{@code
 * final class TooManyRequests extends IOException implements RetryAfter {
 *   private final Duration wait;
 *   TooManyRequests(HttpResponse<?> r) {
 *     super("HTTP 429 from " + r.uri());
 *     this.wait = Duration.ofSeconds(r.headers().firstValueAsLong("Retry-After").orElse(1));
 *   }
 *   public Duration retryAfter() { return wait; }
 * }
 * }</pre>
 */
public interface RetryAfter {
  /**
   * Returns how long to wait before the next attempt.
   *
   * @return a zero or positive duration
   */
  Duration retryAfter();
}
