/**
 * Machinery of the JDBC adapter (parameter parsing, slice writers, state-store schema). Public only so
 * that {@code dev.backfill.jdbc} can use it; not an API, may change in any release.
 */
@NullMarked
package dev.backfill.jdbc.internal;

import org.jspecify.annotations.NullMarked;
