package dev.backfill.testkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link RunHistoryContract} fails for a store that relies on the SPI's operator defaults, test by test. */
class RunHistoryContractCanFailTest {

  @Test
  void aStoreWithoutTheOperatorMethodsFailsTheTestsOfWhatItLacks() {
    ContractCaseResults results = ContractCaseResults.run(BrokenHistoryStores.DefaultsOnly.class);

    assertThat(results.failed()).containsExactlyInAnyOrder(
        "listsRunsAcrossTargetsNewestFirstPagedAndFilteredByStatusAndTime",
        "eachAttemptKeepsItsLogExcerptAndTheRunKeepsWhoStartedIt",
        "aHeartbeatKeepsAnIdleRunAliveAndNeverMovesBackwards",
        "aCancelRequestIsKeptEscalatesToImmediateAndBelongsToTheSessionItWasMadeIn",
        "aRunWhoseWorkersStoppedIsStalledSinceItsLastHeartbeatOrLeaseAndCanBeMarkedFailed");
    assertThat(results.message("listsRunsAcrossTargetsNewestFirstPagedAndFilteredByStatusAndTime"))
        .contains("cannot list runs across targets");
    assertThat(results.message("eachAttemptKeepsItsLogExcerptAndTheRunKeepsWhoStartedIt"))
        .contains("each attempt's log excerpt");
    assertThat(results.message("aHeartbeatKeepsAnIdleRunAliveAndNeverMovesBackwards")).contains("Expecting Optional");
    assertThat(results.message("aCancelRequestIsKeptEscalatesToImmediateAndBelongsToTheSessionItWasMadeIn"))
        .contains("cannot record cancel requests");
  }
}
