/**
 * JDBC adapter: {@link dev.backfill.jdbc.JdbcSource} reads slices with named token parameters,
 * {@link dev.backfill.jdbc.JdbcDestination} writes them with every {@link dev.backfill.WriteStrategy}
 * (or as an {@code INSERT ... SELECT} pushdown), {@link dev.backfill.jdbc.JdbcChecks} runs SQL checks
 * inside the uncommitted slice transaction, and {@link dev.backfill.jdbc.JdbcStateStore} keeps runs,
 * slices and partition states in the database, committing a slice's status with its data when both
 * share a {@code DataSource}. Engine differences live in {@link dev.backfill.jdbc.dialect.Dialect}.
 */
@NullMarked
package dev.backfill.jdbc;

import org.jspecify.annotations.NullMarked;
