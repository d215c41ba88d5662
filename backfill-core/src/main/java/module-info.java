/**
 * Backfill for Java, core: the API ({@code dev.backfill}), its events ({@code dev.backfill.event})
 * and what adapters implement ({@code dev.backfill.spi}). The executor and planner machinery in
 * {@code dev.backfill.internal} is not exported.
 */
module dev.backfill.core {
  requires transitive java.sql;
  requires com.google.common;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires io.github.resilience4j.core;
  requires io.github.resilience4j.retry;
  requires io.github.resilience4j.ratelimiter;
  requires static transitive org.jspecify;
  // optional: only cron partitions need it (Partitioning.cron)
  requires static com.cronutils;
  requires static me.tongfei.progressbar;
  requires static micrometer.core;

  exports dev.backfill;
  exports dev.backfill.event;
  exports dev.backfill.spi;

  uses dev.backfill.spi.FailureClassifier;
}
