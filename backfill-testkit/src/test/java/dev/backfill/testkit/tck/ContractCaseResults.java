package dev.backfill.testkit.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a contract against a deliberately broken implementation through the JUnit Platform launcher
 * (the broken cases are meant to fail, so Surefire never runs them directly) and keeps each test's
 * result by method name, and each run of a parameterised test by method name and run name, as
 * {@code commitIsAtomic[merge(id)]}.
 */
final class ContractCaseResults {
  private final Map<String, TestExecutionResult> results = new TreeMap<>();

  private ContractCaseResults() {}

  static ContractCaseResults run(Class<?> contractCase) {
    ContractCaseResults r = new ContractCaseResults();
    LauncherFactory.create().execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(contractCase)).build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest() && test.getSource().orElse(null) instanceof MethodSource m) {
              r.results.put(name(test, m), result);
            }
          }
        });
    return r;
  }

  private static String name(TestIdentifier test, MethodSource method) {
    boolean parameterised = test.getUniqueIdObject().getLastSegment().getType().equals("test-template-invocation");
    return parameterised ? method.getMethodName() + "[" + test.getDisplayName() + "]" : method.getMethodName();
  }

  int ran() {
    return results.size();
  }

  List<String> failed() {
    return with(TestExecutionResult.Status.FAILED);
  }

  List<String> passed() {
    return with(TestExecutionResult.Status.SUCCESSFUL);
  }

  /** The failure message of a test, or "" when it did not fail. */
  String message(String test) {
    TestExecutionResult result = results.get(test);
    return result == null ? "" : result.getThrowable().map(Throwable::getMessage).orElse("");
  }

  private List<String> with(TestExecutionResult.Status status) {
    return results.entrySet().stream().filter(e -> e.getValue().getStatus() == status).map(Map.Entry::getKey).toList();
  }
}
