/** The {@code backfill} command over a JDBC state store: {@link dev.backfill.cli.BackfillCli}. */
@NullMarked
package dev.backfill.cli;

import org.jspecify.annotations.NullMarked;
