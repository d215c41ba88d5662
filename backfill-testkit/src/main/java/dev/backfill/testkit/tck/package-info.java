/**
 * The adapter author's compatibility kit (TCK): abstract JUnit 5 tests that every implementation of
 * the SPI must pass, as micrometer-test's compatibility kit is for meter registries. Extend
 * {@link dev.backfill.testkit.tck.DestinationContract} once per {@link dev.backfill.spi.DestinationNode}
 * and engine, {@link dev.backfill.testkit.tck.StateStoreContract} and
 * {@link dev.backfill.testkit.tck.RunHistoryContract} (the operator's view) once per
 * {@link dev.backfill.spi.StateStore} and engine; each subclass only says how to create, read and drop
 * what it tests.
 *
 * <p>Users testing their own pipelines need none of this: they use the fakes, fault injection and
 * driver in {@link dev.backfill.testkit}.
 */
@NullMarked
package dev.backfill.testkit.tck;

import org.jspecify.annotations.NullMarked;
