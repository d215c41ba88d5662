package dev.backfill.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A contract that cannot fail proves nothing: run {@link DestinationContract} against destinations
 * with a known bug and check that exactly the tests about that bug fail, with a message naming it.
 */
class DestinationContractCanFailTest {

  @Test
  void overwriteThatForgetsToDeleteFailsTheOverwriteTests() {
    Map<String, TestExecutionResult> results = run(BrokenOverwriteContractCase.class);

    assertThat(failed(results)).contains("overwriteRerunLeavesTheContentUnchanged",
        "overwriteReplacesOnlyTheSlicesPartitions", "overwriteOfABatchedSliceReplacesItsWholeSpan");
    assertThat(failed(results)).allMatch(name -> name.startsWith("overwrite"));
    assertThat(passed(results)).contains("overwriteWritesEveryRowOfTheFirstRun", "mergeRerunLeavesTheContentUnchanged",
        "fullRebuildRerunLeavesTheContentUnchanged", "appendCommitIsAtomic");
    assertThat(message(results, "overwriteReplacesOnlyTheSlicesPartitions"))
        .contains("overwritePartition(day) of 2024-03-03 must replace that day's rows").contains("unexpected 3");
  }

  @Test
  void autoCommittingWriterFailsTheAtomicityTests() {
    Map<String, TestExecutionResult> results = run(AutoCommitContractCase.class);

    assertThat(failed(results)).contains("appendCommitIsAtomic", "overwriteCommitIsAtomic", "mergeCommitIsAtomic",
        "appendAbortLeavesNothing", "mergeSliceFailingMidWayLeavesNothingOfIt", "overwriteFailingCheckRollsTheSliceBack");
    assertThat(passed(results)).contains("overwriteWritesEveryRowOfTheFirstRun", "mergeRerunLeavesTheContentUnchanged");
    assertThat(message(results, "appendCommitIsAtomic"))
        .contains("rows written but not committed must not be visible");
  }

  private static Map<String, TestExecutionResult> run(Class<?> contractCase) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contractCase)).build();
    Launcher launcher = LauncherFactory.create();
    Map<String, TestExecutionResult> results = new TreeMap<>();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (test.isTest() && test.getSource().orElse(null) instanceof MethodSource m) {
          results.put(m.getMethodName(), result);
        }
      }
    });
    assertThat(results).as("tests of the contract that ran").hasSizeGreaterThan(30);
    return results;
  }

  private static List<String> failed(Map<String, TestExecutionResult> results) {
    return results.entrySet().stream().filter(e -> e.getValue().getStatus() == TestExecutionResult.Status.FAILED)
        .map(Map.Entry::getKey).toList();
  }

  private static List<String> passed(Map<String, TestExecutionResult> results) {
    return results.entrySet().stream().filter(e -> e.getValue().getStatus() == TestExecutionResult.Status.SUCCESSFUL)
        .map(Map.Entry::getKey).toList();
  }

  private static String message(Map<String, TestExecutionResult> results, String test) {
    return results.get(test).getThrowable().map(Throwable::getMessage).orElse("");
  }
}
