package com.example.orders;

import static dev.backfill.testkit.BackfillAssertions.assertThatDestination;
import static dev.backfill.testkit.BackfillAssertions.assertThatRun;

import dev.backfill.Backfill;
import dev.backfill.PartitionRange;
import dev.backfill.Row;
import dev.backfill.testkit.BackfillArbitraries;
import dev.backfill.testkit.BackfillTestDriver;
import dev.backfill.testkit.InMemoryDestination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A jqwik property, named so that Surefire's default includes run it. It records how many tries ran in
 * target/property-tries.txt, which the build's verify script compares with {@link #TRIES}: a missing
 * engine would run none and write nothing.
 */
class OrdersPipelinePropertiesTest {
  static final int TRIES = 25;
  private static final AtomicInteger TRIED = new AtomicInteger();

  @Property(tries = TRIES, generation = GenerationMode.RANDOMIZED)
  void everyDayOfAnyRangeIsWrittenOnce(@ForAll("marchRanges") PartitionRange range) {
    TRIED.incrementAndGet();
    InMemoryDestination mart = InMemoryDestination.create();
    try (BackfillTestDriver driver = BackfillTestDriver.create()) {
      Backfill<Row> backfill = Orders.pipeline(driver.backfill("mart.orders"), Orders.twoADay(), mart);

      assertThatRun(driver.run(backfill, backfill.plan(range))).succeeded();

      long days = Orders.DAYS.enumerate(range).size();
      assertThatDestination(mart).hasSize(Math.toIntExact(2 * days)).hasUniqueKey("order_id");
    }
  }

  @Provide
  Arbitrary<PartitionRange> marchRanges() {
    return BackfillArbitraries.ranges(Orders.DAYS, PartitionRange.of("2024-03-01", "2024-03-31"));
  }

  @AfterContainer
  static void recordTheTriesThatRan() throws IOException {
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "property-tries.txt"), String.valueOf(TRIED.get()));
  }
}
