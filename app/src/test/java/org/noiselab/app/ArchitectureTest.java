package org.noiselab.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dependency rules of DESIGN.md section 1 and STYLE.md rules 1-2, enforced on the compiled classes. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.noiselab");
    }

    @Test
    void theAppNeverSeesNd4j() {
        noClasses().that().resideInAPackage("org.noiselab.app..").should().dependOnClassesThat()
                .resideInAPackage("org.nd4j..").check(classes);
    }

    @Test
    void theEngineNeverSeesJavaFx() {
        noClasses().that().resideInAPackage("org.noiselab.engine..").should().dependOnClassesThat()
                .resideInAPackage("javafx..").check(classes);
    }

    @Test
    void toysDependOnTheJdkOnly() {
        classes().that().resideInAPackage("org.noiselab.toys..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "org.noiselab.toys..").check(classes);
    }

    @Test
    void nothingOutsideTheAppDependsOnIt() {
        noClasses().that().resideOutsideOfPackage("org.noiselab.app..").should().dependOnClassesThat()
                .resideInAPackage("org.noiselab.app..").check(classes);
    }

    @Test
    void theRulesSeeTheModules() {
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.noiselab.engine.model")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.noiselab.toys")).isTrue();
        org.assertj.core.api.Assertions.assertThat(classes.containPackage("org.noiselab.app")).isTrue();
    }
}
