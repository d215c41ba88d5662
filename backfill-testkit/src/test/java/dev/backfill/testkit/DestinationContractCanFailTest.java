package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A contract that cannot fail proves nothing: run {@link DestinationContract} against destinations
 * with a known bug and check that exactly the tests about that bug fail, with a message naming it.
 */
class DestinationContractCanFailTest {

  @Test
  void overwriteThatForgetsToDeleteFailsTheOverwriteTests() {
    ContractCaseResults results = run(BrokenDestinations.OverwriteWithoutDeleteCase.class);

    assertThat(results.failed()).contains("overwriteRerunLeavesTheContentUnchanged",
        "overwriteReplacesOnlyTheSlicesPartitions", "overwriteOfABatchedSliceReplacesItsWholeSpan");
    assertThat(results.failed()).allMatch(name -> name.startsWith("overwrite"));
    assertThat(results.passed()).contains("overwriteWritesEveryRowOfTheFirstRun", "mergeRerunLeavesTheContentUnchanged",
        "fullRebuildRerunLeavesTheContentUnchanged", "appendCommitIsAtomic");
    assertThat(results.message("overwriteReplacesOnlyTheSlicesPartitions"))
        .contains("overwritePartition(day) of 2024-03-03 must replace that day's rows").contains("unexpected 3");
  }

  @Test
  void autoCommittingWriterFailsTheAtomicityTests() {
    ContractCaseResults results = run(BrokenDestinations.AutoCommitCase.class);

    assertThat(results.failed()).contains("appendCommitIsAtomic", "overwriteCommitIsAtomic", "mergeCommitIsAtomic",
        "appendAbortLeavesNothing", "mergeSliceFailingMidWayLeavesNothingOfIt", "overwriteFailingCheckRollsTheSliceBack");
    assertThat(results.passed()).contains("overwriteWritesEveryRowOfTheFirstRun", "mergeRerunLeavesTheContentUnchanged");
    assertThat(results.message("appendCommitIsAtomic"))
        .contains("rows written but not committed must not be visible");
  }

  private static ContractCaseResults run(Class<?> contractCase) {
    ContractCaseResults results = ContractCaseResults.run(contractCase);
    assertThat(results.ran()).as("tests of the contract that ran").isGreaterThan(30);
    return results;
  }
}
