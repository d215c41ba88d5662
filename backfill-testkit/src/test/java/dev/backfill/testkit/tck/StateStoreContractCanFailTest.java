package dev.backfill.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link StateStoreContract} fails for stores with a known bug, and only in the tests about that
 * bug, with a message naming it.
 */
class StateStoreContractCanFailTest {

  @Test
  void storeSwallowingStaleTokensFailsTheFencingTests() {
    ContractCaseResults results = run(BrokenStores.Unfenced.class);

    assertThat(results.failed()).containsExactlyInAnyOrder(
        "anExpiredLeaseIsClaimedAgainWithANewTokenAndTheOldHolderIsFencedOff",
        "aSliceClaimedByIndexIsClaimedOnlyWhilePendingOrExpired",
        "reopenReturnsEveryUnsucceededSliceToPendingAndNeverASucceededOne");
    assertThat(results.message("anExpiredLeaseIsClaimedAgainWithANewTokenAndTheOldHolderIsFencedOff"))
        .contains("complete with a stale token");
  }

  @Test
  void storeFindingNothingWhileOthersClaimFailsTheEmptyClaimTest() {
    ContractCaseResults results = run(BrokenStores.GivesUpUnderContention.class);

    assertThat(results.failed()).containsExactly("aClaimFindsNothingOnlyWhenNothingIsLeftToClaim");
    assertThat(results.message("aClaimFindsNothingOnlyWhenNothingIsLeftToClaim"))
        .contains("found nothing to claim while").contains("slices were PENDING");
  }

  @Test
  void storeFinishingRunsWithCheckThenActLetsSeveralWorkersFinish() {
    ContractCaseResults results = run(BrokenStores.CheckThenActFinish.class);

    assertThat(results.failed()).containsExactly("exactlyOneOfManyRacingWorkersFinishesARun");
    assertThat(results.passed()).contains("transitionRunChangesTheStatusOnlyFromTheExpectedOne");
    assertThat(results.message("exactlyOneOfManyRacingWorkersFinishesARun"))
        .contains("exactly one worker may move the run from RUNNING to FINISHING");
  }

  @Test
  void storeLosingRetriedAttemptsFailsTheHistoryTest() {
    ContractCaseResults results = run(BrokenStores.ForgetsRetriedAttempts.class);

    // the range read of attempts misses the lost attempts too
    assertThat(results.failed()).containsExactlyInAnyOrder("aRetriedSliceRecordsEachFailedAttemptAndThenItsSuccess",
        "theAttemptsOfARangeOfSlicesAreReadBySliceAndAttempt");
    assertThat(results.passed()).contains("aSliceFailedInOneSessionAndResumedInAnotherKeepsBothAttempts");
    assertThat(results.message("aRetriedSliceRecordsEachFailedAttemptAndThenItsSuccess"))
        .contains("two failed attempts and the successful one");
  }

  @Test
  void storeCountingFromAStaleCacheFailsTheCountTest() {
    ContractCaseResults results = run(BrokenStores.StaleCounts.class);

    assertThat(results.failed()).containsExactly("countSlicesAgreesWithTheSlices");
    assertThat(results.message("countSlicesAgreesWithTheSlices")).contains("only statuses present are counted");
  }

  private static ContractCaseResults run(Class<?> contractCase) {
    ContractCaseResults results = ContractCaseResults.run(contractCase);
    assertThat(results.ran()).as("tests of the contract that ran").isGreaterThan(20);
    return results;
  }
}
