package dev.slimkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core's packages form no cycle, and the core never reaches notebook types. */
class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.slimkit");

    @Test
    void corePackagesAreFreeOfCycles() {
        // Each package under dev.slimkit is a slice; the root package (Slim, Session) is one too.
        slices().matching("dev.slimkit.(*)..").should().beFreeOfCycles().check(CORE);
        noClasses().that().resideInAnyPackage("dev.slimkit.(*)..").and().resideOutsideOfPackage("dev.slimkit")
                .should().dependOnClassesThat().resideInAPackage("dev.slimkit")
                .because("only the facade (Slim, Session) sits at the root, above every step")
                .check(CORE);
    }

    @Test
    void sweepsSitAbovePipelinesAndBelowReportsAndNeverReachSpark() {
        // sweep uses pipeline (a trial is a pipeline run); report draws sweeps; nothing below uses sweep.
        noClasses().that().resideInAnyPackage("dev.slimkit.pipeline..", "dev.slimkit.step..", "dev.slimkit.train..",
                        "dev.slimkit.model..", "dev.slimkit.data..", "dev.slimkit.io..", "dev.slimkit.prune..",
                        "dev.slimkit.trim..", "dev.slimkit.distill..", "dev.slimkit.transfer..", "dev.slimkit.measure..")
                .should().dependOnClassesThat().resideInAPackage("dev.slimkit.sweep..").check(CORE);
        noClasses().that().resideInAPackage("dev.slimkit.sweep..")
                .should().dependOnClassesThat().resideInAPackage("dev.slimkit.report..").check(CORE);
        // Spark runs in its own module and JVM (the kernel's class path bundles libraries Spark's clash with).
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..").check(CORE);
    }

    @Test
    void coreNeverImportsKernelTypes() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("io.github.spencerpark..", "dev.slimkit.kernel..", "org.dflib.jjava..")
                .check(CORE);
    }

    @Test
    void theGrammarIsCoreAndReportsRenderWithoutSteps() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.util.ServiceLoader")
                .because("core reads stage lines itself (dev.slimkit.recipe, pipeline.StageLines)").check(CORE);
        noClasses().that().resideInAPackage("dev.slimkit.report..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.slimkit.step..", "dev.slimkit.trim..", "dev.slimkit.prune..",
                        "dev.slimkit.distill..", "dev.slimkit.transfer..", "dev.slimkit.recipe..", "dev.slimkit.view..")
                .because("reports render plain rows and records; what each result shows is dev.slimkit.view's")
                .check(CORE);
        noClasses().that().resideInAnyPackage("dev.slimkit.step..", "dev.slimkit.train..", "dev.slimkit.model..",
                        "dev.slimkit.data..", "dev.slimkit.trim..", "dev.slimkit.prune..", "dev.slimkit.distill..",
                        "dev.slimkit.transfer..")
                .should().dependOnClassesThat().resideInAPackage("dev.slimkit.recipe..")
                .because("the steps know nothing of the grammar that configures them").check(CORE);
    }
}
