/** Machinery behind the API: executor, progress tracking, event dispatch. Not for direct use; may change without notice. */
@NullMarked
package dev.backfill.internal;

import org.jspecify.annotations.NullMarked;
