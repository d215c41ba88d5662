/**
 * One {@link dev.backfill.jdbc.dialect.Dialect} per SQL engine (H2, PostgreSQL, MariaDB/MySQL): identifier
 * rules and quoting, upsert, delete and shadow-table SQL, streaming settings, value binding and the
 * statements the JDBC state store needs. Engine differences live here and nowhere else.
 */
@NullMarked
package dev.backfill.jdbc.dialect;

import org.jspecify.annotations.NullMarked;
