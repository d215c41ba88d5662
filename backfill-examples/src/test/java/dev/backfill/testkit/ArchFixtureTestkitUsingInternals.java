package dev.backfill.testkit;

/** Breaks a rule on purpose, for ArchitectureTest: the test kit reaching into core's internals. */
final class ArchFixtureTestkitUsingInternals {
  Object mode = dev.backfill.internal.RunLauncher.Mode.JOIN;
}
