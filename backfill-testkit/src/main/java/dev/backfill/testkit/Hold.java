package dev.backfill.testkit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A point where an injected fault stops a slice until the test releases it, for controlled
 * interleavings: hold one slice mid-read, then step another, advance the clock, cancel, or look at
 * the progress while it is running. Every call reaching the hold waits until {@link #release()};
 * afterwards calls pass. An interrupt (an IMMEDIATE cancel or a timeout) ends the wait with an
 * {@link InterruptedException}, as it would end a blocked query.
 *
 * <pre>{@code
 * Hold hold = new Hold();
 * SourceNode<Row> source = Faults.source(orders).hold("2024-03-02", hold);
 * driver.startSlice();                 // 2024-03-02 is claimed and reaches the hold
 * hold.awaitReached();
 * driver.clock().advance(Duration.ofMinutes(10));
 * hold.release();
 * driver.awaitSettled();
 * }</pre>
 */
public final class Hold {
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  /** Creates a closed hold. */
  public Hold() {}

  /** Waits here until released; called by the fault wrappers. */
  void enter() throws InterruptedException {
    reached.countDown();
    released.await();
  }

  /**
   * Waits until a call reached the hold, at most 30 seconds.
   *
   * @throws IllegalStateException when nothing reached it in time
   */
  public void awaitReached() {
    if (!awaitReached(Duration.ofSeconds(30))) {
      throw new IllegalStateException("no call reached the hold within 30s; is the held partition in the plan, "
          + "and was a slice started (driver.startSlice())?");
    }
  }

  /**
   * Waits until a call reached the hold.
   *
   * @param timeout longest wait
   * @return true when reached
   */
  public boolean awaitReached(Duration timeout) {
    try {
      return reached.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Tells whether a call reached the hold.
   *
   * @return true once reached
   */
  public boolean isReached() {
    return reached.getCount() == 0;
  }

  /** Lets every waiting and later call pass. */
  public void release() {
    released.countDown();
  }

  /**
   * Tells whether the hold was released.
   *
   * @return true once released
   */
  public boolean isReleased() {
    return released.getCount() == 0;
  }
}
