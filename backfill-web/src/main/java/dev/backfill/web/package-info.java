/** The optional live run page: {@link dev.backfill.web.RunPage}. */
@NullMarked
package dev.backfill.web;

import org.jspecify.annotations.NullMarked;
