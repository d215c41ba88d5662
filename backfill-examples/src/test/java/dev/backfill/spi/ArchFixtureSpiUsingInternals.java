package dev.backfill.spi;

/** Breaks a rule on purpose, for ArchitectureTest: an SPI class reaching into core's internals. */
final class ArchFixtureSpiUsingInternals {
  Object mode = dev.backfill.internal.RunLauncher.Mode.NEW;
}
