/** Events of a run and the listener interface that receives them. */
@NullMarked
package dev.backfill.event;

import org.jspecify.annotations.NullMarked;
