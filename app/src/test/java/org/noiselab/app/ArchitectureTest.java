package org.noiselab.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules of docs/ARCHITECTURE.md, enforced on the compiled classes of every module. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.noiselab");
    }

    /** No cycle among the packages under {@code root}: each package can be read and changed from the bottom up. */
    private static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles()
                .because("a package in a cycle cannot be understood or changed alone");
    }

    @Test
    void theEnginesPackagesFormNoCycle() {
        noPackageCycles("org.noiselab.engine").check(classes);
    }

    @Test
    void theAppsPackagesFormNoCycle() {
        noPackageCycles("org.noiselab.app").check(classes);
    }

    @Test
    void theCycleRuleCatchesACycle() {
        JavaClasses fixture = new ClassFileImporter().importPackages("org.noiselab.app.archfixture");
        assertThat(fixture.containPackage("org.noiselab.app.archfixture.first")).isTrue();
        assertThatThrownBy(() -> noPackageCycles("org.noiselab.app.archfixture").check(fixture))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Cycle detected");
    }

    @Test
    void layersKnowOnlyKernels() {
        classes().that().resideInAPackage("org.noiselab.engine.model.layer..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.jspecify..", "org.noiselab.engine.model.layer..",
                        "org.noiselab.engine.kernel..", "jdk.incubator.vector..")
                .because("the networks are built of layers, so layers cannot know the networks").check(classes);
    }

    @Test
    void trainingDataKnowsNoModelsObjectivesOrRuns() {
        noClasses().that().resideInAPackage("org.noiselab.engine.data..").should().dependOnClassesThat()
                .resideInAnyPackage("org.noiselab.engine.model..", "org.noiselab.engine.objective..",
                        "org.noiselab.engine.train..", "org.noiselab.engine.image..")
                .because("data flows into models and objectives, never the other way").check(classes);
    }

    @Test
    void imageDatasetsKnowNoSamplersModelsOrLikelihoods() {
        noClasses().that().resideInAPackage("org.noiselab.engine.image..").should().dependOnClassesThat()
                .resideInAnyPackage("org.noiselab.engine.model..", "org.noiselab.engine.sample..",
                        "org.noiselab.engine.likelihood..", "org.noiselab.engine.train..")
                .because("the dataset package reads and writes images; what is done with them lives above it")
                .check(classes);
    }

    @Test
    void theAppNeverSeesNd4j() {
        noClasses().that().resideInAPackage("org.noiselab.app..").should().dependOnClassesThat()
                .resideInAPackage("org.nd4j..")
                .because("ND4J is an engine detail; the app talks to the engine's own types").check(classes);
    }

    @Test
    void theEngineNeverSeesJavaFx() {
        noClasses().that().resideInAPackage("org.noiselab.engine..").should().dependOnClassesThat()
                .resideInAPackage("javafx..")
                .because("the engine runs headless, in the CLI and in CI without a display").check(classes);
    }

    @Test
    void viewModelsHoldNoSceneGraph() {
        noClasses().that().resideInAPackage("org.noiselab.app.viewmodel..").should().dependOnClassesThat()
                .resideInAnyPackage("javafx.scene..", "javafx.stage..", "org.noiselab.app.view..")
                .because("view models are tested without a window and bound by the views, not the reverse")
                .check(classes);
    }

    @Test
    void toysDependOnTheJdkOnly() {
        classes().that().resideInAPackage("org.noiselab.toys..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.noiselab.toys..")
                .because("the toy distributions are the exact reference every model is checked against")
                .check(classes);
    }

    @Test
    void nothingOutsideTheAppDependsOnIt() {
        noClasses().that().resideOutsideOfPackage("org.noiselab.app..").should().dependOnClassesThat()
                .resideInAPackage("org.noiselab.app..")
                .because("the engine and the toys stand alone; the app is the top module").check(classes);
    }

    @Test
    void theRulesSeeTheModules() {
        for (String p : new String[] {"org.noiselab.engine.model", "org.noiselab.engine.model.layer",
            "org.noiselab.engine.data", "org.noiselab.engine.explore", "org.noiselab.toys", "org.noiselab.app",
            "org.noiselab.app.viewmodel"}) {
            assertThat(classes.containPackage(p)).as(p).isTrue();
        }
    }
}
