/**
 * The test kit: what users add with {@code <scope>test</scope>} to test their backfill pipelines, and
 * what adapter authors extend to prove their destinations and state stores honour the SPI.
 *
 * <ul>
 *   <li>Fakes: {@link dev.backfill.testkit.InMemorySource} and {@link dev.backfill.testkit.InMemoryDestination}
 *       (every write strategy, with the visible semantics of a database table).</li>
 *   <li>Fault injection: {@link dev.backfill.testkit.Faults} wraps any source, destination or state
 *       store; {@link dev.backfill.testkit.Crash} simulates a killed process at a chosen point. Both are
 *       built on wrappers you can extend for your own: {@link dev.backfill.testkit.ForwardingSource},
 *       {@link dev.backfill.testkit.ForwardingDestination}, {@link dev.backfill.testkit.ForwardingSliceWriter}
 *       and {@link dev.backfill.testkit.ForwardingStateStore}.</li>
 *   <li>Virtual time: {@link dev.backfill.testkit.ManualClock}, {@link dev.backfill.testkit.VirtualSleeper}
 *       and the slice-by-slice {@link dev.backfill.testkit.BackfillTestDriver}.</li>
 *   <li>Assertions: {@link dev.backfill.testkit.BackfillAssertions}.</li>
 *   <li>Contract tests for adapter authors (a TCK), in their own package:
 *       {@link dev.backfill.testkit.tck.DestinationContract} and
 *       {@link dev.backfill.testkit.tck.StateStoreContract}.</li>
 *   <li>jqwik: {@link dev.backfill.testkit.BackfillArbitraries}; JUnit 5:
 *       {@link dev.backfill.testkit.BackfillTest}.</li>
 * </ul>
 */
@NullMarked
package dev.backfill.testkit;

import org.jspecify.annotations.NullMarked;
