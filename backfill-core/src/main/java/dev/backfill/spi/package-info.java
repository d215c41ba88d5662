/**
 * What adapters implement: {@link dev.backfill.spi.SourceNode}, {@link dev.backfill.spi.DestinationNode}
 * with its {@link dev.backfill.spi.SliceWriter}, and the {@link dev.backfill.spi.StateStore}. The test
 * kit's contract tests check that an implementation honours the guarantees documented here.
 */
@NullMarked
package dev.backfill.spi;

import org.jspecify.annotations.NullMarked;
