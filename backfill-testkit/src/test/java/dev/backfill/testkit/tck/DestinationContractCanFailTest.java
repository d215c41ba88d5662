package dev.backfill.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A contract that cannot fail proves nothing: run {@link DestinationContract} against destinations
 * with a known bug and check that exactly the tests about that bug fail, with a message naming it.
 */
class DestinationContractCanFailTest {

  @Test
  void overwriteThatForgetsToDeleteFailsTheOverwriteTests() {
    ContractCaseResults results = run(BrokenDestinations.OverwriteWithoutDeleteCase.class);

    assertThat(results.failed()).containsExactlyInAnyOrder("rerunLeavesTheContentUnchanged[overwritePartition(day)]",
        "overwriteReplacesOnlyTheSlicesPartitions", "overwriteOfABatchedSliceReplacesItsWholeSpan");
    assertThat(results.passed()).contains("writesEveryRowOfTheFirstRun[overwritePartition(day)]",
        "rerunLeavesTheContentUnchanged[merge(id)]", "rerunLeavesTheContentUnchanged[fullRebuild]",
        "commitIsAtomic[append]");
    assertThat(results.message("overwriteReplacesOnlyTheSlicesPartitions"))
        .contains("overwritePartition(day) of 2024-03-03 must replace that day's rows").contains("unexpected 3");
  }

  @Test
  void autoCommittingWriterFailsTheAtomicityTests() {
    ContractCaseResults results = run(BrokenDestinations.AutoCommitCase.class);

    // every strategy breaks every guarantee about a slice that has not committed (abort after a
    // commit changes nothing, with or without auto-commit)
    List<String> atomicity = List.of("commitIsAtomic", "abortLeavesNothing",
        "abortIsIdempotentAndCallableFromAnotherThread", "sliceFailingMidWayLeavesNothingOfIt",
        "failingCheckRollsTheSliceBack");
    assertThat(results.failed()).containsExactlyInAnyOrderElementsOf(atomicity.stream()
        .flatMap(test -> Stream.of("append", "overwritePartition(day)", "merge(id)").map(s -> test + "[" + s + "]"))
        .toList());
    assertThat(results.passed()).contains("writesEveryRowOfTheFirstRun[overwritePartition(day)]",
        "rerunLeavesTheContentUnchanged[merge(id)]", "abortAfterCommitChangesNothing[merge(id)]");
    assertThat(results.message("commitIsAtomic[append]"))
        .contains("append: rows written but not committed must not be visible");
  }

  private static ContractCaseResults run(Class<?> contractCase) {
    ContractCaseResults results = ContractCaseResults.run(contractCase);
    assertThat(results.ran()).as("tests of the contract that ran").isGreaterThan(30);
    return results;
  }
}
