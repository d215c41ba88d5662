package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** {@link StateStoreContract} fails for a store that does not fence off stale lease holders. */
class StateStoreContractCanFailTest {

  @Test
  void storeSwallowingStaleTokensFailsTheFencingTests() {
    Map<String, TestExecutionResult> results = new TreeMap<>();
    LauncherFactory.create().execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(UnfencedStoreContractCase.class)).build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() && test.getSource().orElse(null) instanceof MethodSource m) {
              results.put(m.getMethodName(), result);
            }
          }
        });

    List<String> failed = results.entrySet().stream()
        .filter(e -> e.getValue().getStatus() == TestExecutionResult.Status.FAILED).map(Map.Entry::getKey).toList();
    assertThat(results).hasSizeGreaterThan(15);
    assertThat(failed).containsExactlyInAnyOrder("anExpiredLeaseIsClaimedAgainWithANewTokenAndTheOldHolderIsFencedOff",
        "reopenReturnsEveryUnsucceededSliceToPendingAndNeverASucceededOne");
    assertThat(results.get("anExpiredLeaseIsClaimedAgainWithANewTokenAndTheOldHolderIsFencedOff").getThrowable()
        .orElseThrow().getMessage()).contains("complete with a stale token");
  }
}
