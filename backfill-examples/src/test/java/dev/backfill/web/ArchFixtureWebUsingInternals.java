package dev.backfill.web;

/** Breaks a rule on purpose, for ArchitectureTest: the run page reaching into core's internals. */
final class ArchFixtureWebUsingInternals {
  boolean transientFailure = dev.backfill.internal.Failures.isTransient(new RuntimeException());
}
