package dev.backfill.examples.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The arrows the design forbids, checked on the main classes of core, JDBC and the test kit: the SPI
 * must not lean on the executor's internals, adapters and the test kit see core only through its API
 * and SPI, core knows no adapter, and engine knowledge stays in the dialect package.
 */
class ArchitectureTest {
  static final String CORE_INTERNAL = "dev.backfill.internal..";

  static final ArchRule SPI_DOES_NOT_USE_CORE_INTERNALS = noClasses().that().resideInAPackage("dev.backfill.spi..")
      .should().dependOnClassesThat().resideInAPackage(CORE_INTERNAL)
      .because("adapter authors implement the SPI; it must not expose or need the executor's machinery");

  static final ArchRule JDBC_DOES_NOT_USE_CORE_INTERNALS = noClasses().that().resideInAPackage("dev.backfill.jdbc..")
      .should().dependOnClassesThat().resideInAPackage(CORE_INTERNAL)
      .because("backfill-jdbc is an adapter: it uses core's API and SPI only");

  static final ArchRule TESTKIT_DOES_NOT_USE_CORE_INTERNALS = noClasses().that().resideInAPackage("dev.backfill.testkit..")
      .should().dependOnClassesThat().resideInAPackage(CORE_INTERNAL)
      .because("the test kit drives the real executor through the API, as users' tests do");

  static final ArchRule OPERATOR_TOOLS_DO_NOT_USE_CORE_INTERNALS = noClasses()
      .that().resideInAnyPackage("dev.backfill.web..", "dev.backfill.cli..", "dev.backfill.logging..")
      .should().dependOnClassesThat().resideInAPackage(CORE_INTERNAL)
      .because("the run page, the CLI and the log appenders see runs through RunHistory and the SPI, as users' tools would");

  static final ArchRule CORE_KNOWS_NO_ADAPTER = noClasses()
      .that().resideInAnyPackage("dev.backfill", "dev.backfill.spi..", "dev.backfill.event..", CORE_INTERNAL)
      .should().dependOnClassesThat().resideInAnyPackage("dev.backfill.jdbc..", "dev.backfill.testkit..",
          "dev.backfill.web..", "dev.backfill.cli..", "dev.backfill.logging..")
      .because("core must not depend on JDBC adapters or the test kit");

  static final ArchRule ENGINES_ONLY_IN_THE_DIALECT_PACKAGE = noClasses()
      .that().resideInAPackage("dev.backfill.jdbc..")
      .and().resideOutsideOfPackage("dev.backfill.jdbc.dialect..")
      .and().doNotHaveFullyQualifiedName("dev.backfill.jdbc.SqlDialect")
      .and().doNotHaveFullyQualifiedName("dev.backfill.jdbc.internal.JdbcFailureClassifier")
      .should().dependOnClassesThat().haveNameMatching("dev\\.backfill\\.jdbc\\.dialect\\.(H2|Postgres|MariaDb)Dialect")
      .because("engine differences live in one dialect class per engine, not in if (postgres) elsewhere");

  static final List<ArchRule> RULES = List.of(SPI_DOES_NOT_USE_CORE_INTERNALS, JDBC_DOES_NOT_USE_CORE_INTERNALS,
      TESTKIT_DOES_NOT_USE_CORE_INTERNALS, OPERATOR_TOOLS_DO_NOT_USE_CORE_INTERNALS, CORE_KNOWS_NO_ADAPTER, ENGINES_ONLY_IN_THE_DIALECT_PACKAGE);

  /**
   * The CLI's classes, read from its module's output: depending on backfill-cli would pull it (and its
   * test fixtures) into the demo's {@code -am} build. A full build makes them before this module.
   */
  static final java.nio.file.Path CLI_CLASSES = java.nio.file.Paths.get("..", "backfill-cli", "target", "classes");

  private static final JavaClasses LIBRARY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importLocations(libraryLocations());

  private static java.util.Set<com.tngtech.archunit.core.importer.Location> libraryLocations() {
    java.util.Set<com.tngtech.archunit.core.importer.Location> locations =
        new java.util.HashSet<>(com.tngtech.archunit.core.importer.Locations.ofPackage("dev.backfill"));
    if (java.nio.file.Files.isDirectory(CLI_CLASSES)) {
      locations.add(com.tngtech.archunit.core.importer.Location.of(CLI_CLASSES));
    }
    return locations;
  }

  @Test
  void theLibraryImportsWhatTheRulesTalkAbout() {
    // a rule over no classes passes vacuously: make sure core, JDBC and the test kit were imported
    assertThat(LIBRARY.containPackage("dev.backfill.internal")).isTrue();
    assertThat(LIBRARY.containPackage("dev.backfill.jdbc.dialect")).isTrue();
    assertThat(LIBRARY.containPackage("dev.backfill.testkit")).isTrue();
    assertThat(LIBRARY.containPackage("dev.backfill.web")).isTrue();
    assertThat(LIBRARY.containPackage("dev.backfill.cli")).isEqualTo(java.nio.file.Files.isDirectory(CLI_CLASSES));
    assertThat(LIBRARY.containPackage("dev.backfill.logging")).isTrue();
  }

  @Test
  void noForbiddenArrowInTheLibrary() {
    RULES.forEach(rule -> rule.check(LIBRARY));
  }

  @Test
  void eachRuleFailsOnAClassThatBreaksIt() {
    // test-only fixtures in the library's packages, each adding one forbidden arrow
    JavaClasses offenders = new ClassFileImporter().importPackages("dev.backfill")
        .that(com.tngtech.archunit.base.DescribedPredicate.describe("an ArchFixture",
            c -> c.getSimpleName().startsWith("ArchFixture") || c.getName().contains("ArchFixture")));
    assertThat(offenders).hasSizeGreaterThanOrEqualTo(6);
    for (ArchRule rule : RULES) {
      EvaluationResult result = rule.evaluate(offenders);
      assertThat(result.hasViolation()).as("rule '%s' must catch its offender", rule.getDescription()).isTrue();
    }
  }
}
