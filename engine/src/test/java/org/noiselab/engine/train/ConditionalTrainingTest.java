package org.noiselab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.metric.Mmd;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.DenseShape;
import org.noiselab.engine.model.MlpLayout;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.sample.DiffusionProblem;
import org.noiselab.engine.sample.SamplerSpec;
import org.noiselab.engine.sample.Samplers;
import org.noiselab.engine.sample.SamplingRequest;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.toys.LabelledPoints;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;

/**
 * Conditional training for classifier-free guidance on the three-class mixture: class-conditional samples land on
 * their class, label dropout 1 trains only the null class (and that model samples the whole mixture), dropout 0 never
 * touches the null class, and a conditional noise-level classifier trains too.
 */
class ConditionalTrainingTest {

    private static final ToyDataset THREE = ToyDatasets.byName("three-class");
    private static final double BANDWIDTH = 0.3;

    private static TrainingSession train(ModelSpec model, ObjectiveSpec objective, double dropout, int steps) {
        TrainingSetup setup = new TrainingSetup(THREE.name(), model, ScheduleSpec.parse("linear", 1000), objective,
                TrainingConfig.TOY_DEFAULT.withSteps(steps).withBatchSize(256).withLabelDropout(dropout),
                RunSeeds.from(3));
        TrainingSession s = TrainingSession.start(setup);
        TrainingLoop.run(s, new TrainingControl(), List.of());
        return s;
    }

    private static float[] samples(TrainingSession s, SamplingRequest request) {
        return Samplers.create(new SamplerSpec.Ddim(50, 0)).sample(new DiffusionProblem(s.emaDenoiser(), s.schedule()),
                request).points();
    }

    private static float[] classData(int c, int n) {
        LabelledPoints p = THREE.sample(8 * n, 21);
        float[] out = new float[2 * n];
        int have = 0;
        for (int i = 0; i < p.n() && have < n; i++) {
            if (p.labels()[i] == c) {
                out[2 * have] = (float) p.points()[2 * i];
                out[2 * have + 1] = (float) p.points()[2 * i + 1];
                have++;
            }
        }
        assertThat(have).isEqualTo(n);
        return out;
    }

    private static float[] classTableRow(TrainingSession s, int row) {
        DenseShape shape = (DenseShape) s.setup().model();
        int from = new MlpLayout(shape).classTableOffset() + row * shape.width();
        return Arrays.copyOfRange(s.parameters(), from, from + shape.width());
    }

    private static float[] initialRow(TrainingSession s, int row) {
        DenseShape shape = (DenseShape) s.setup().model();
        MlpLayout layout = new MlpLayout(shape);
        int from = layout.classTableOffset() + row * shape.width();
        return Arrays.copyOfRange(layout.initialParameters(s.setup().seeds().init()), from, from + shape.width());
    }

    @Test
    void classConditionalSamplesLandOnTheirClass() {
        TrainingSession s = train(MlpSpec.defaults(2).withWidth(64).withClassCount(3), new ObjectiveSpec.Ddpm(), 0.1,
                3000);
        int n = 800;
        for (int c = 0; c < 3; c++) {
            float[] own = samples(s, SamplingRequest.ofClass(n, 5, c));
            double same = Mmd.mmd(own, n, classData(c, n), n, 2, BANDWIDTH);
            double other = Mmd.mmd(own, n, classData((c + 1) % 3, n), n, 2, BANDWIDTH);
            assertThat(same).as("class %d samples vs class %d data", c, c).isLessThan(0.01);
            assertThat(other).as("class %d samples vs another class", c).isGreaterThan(10 * Math.max(same, 0.002));
        }
        assertThat(classTableRow(s, 3)).as("the null row learns with dropout 0.1").isNotEqualTo(initialRow(s, 3));
    }

    @Test
    void dropoutOneTrainsOnlyTheNullClassWhichSamplesTheWholeMixture() {
        TrainingSession s = train(MlpSpec.defaults(2).withWidth(64).withClassCount(3), new ObjectiveSpec.Ddpm(), 1.0,
                3000);
        for (int c = 0; c < 3; c++) {
            assertThat(classTableRow(s, c)).as("class row %d never sees a gradient", c).isEqualTo(initialRow(s, c));
        }
        assertThat(classTableRow(s, 3)).isNotEqualTo(initialRow(s, 3));
        TrainingSession unconditional = train(MlpSpec.defaults(2).withWidth(64), new ObjectiveSpec.Ddpm(), 1.0, 3000);
        int n = 1500;
        float[] data = THREE.sample(n, 22).pointsAsFloats();
        double nullClass = Mmd.mmd(samples(s, SamplingRequest.of(n, 6)), n, data, n, 2, BANDWIDTH);
        double plain = Mmd.mmd(samples(unconditional, SamplingRequest.of(n, 6)), n, data, n, 2, BANDWIDTH);
        double oneClass = Mmd.mmd(classData(0, n), n, data, n, 2, BANDWIDTH);
        assertThat(nullClass).as("null class of the dropout-1 model vs the mixture").isLessThan(0.004);
        assertThat(plain).as("unconditional model vs the mixture").isLessThan(0.004);
        assertThat(oneClass).as("a single class is not the mixture").isGreaterThan(0.02);
    }

    @Test
    void dropoutZeroNeverTouchesTheNullClass() {
        TrainingSession s = train(MlpSpec.defaults(2).withWidth(32).withClassCount(3), new ObjectiveSpec.Ddpm(), 0,
                200);
        assertThat(classTableRow(s, 3)).isEqualTo(initialRow(s, 3));
        assertThat(classTableRow(s, 0)).isNotEqualTo(initialRow(s, 0));
    }

    @Test
    void aConditionalNoiseLevelClassifierTrainsPerClass() {
        ClassifierSpec spec = ClassifierSpec.defaults(2, 1000).withWidth(64).withClassCount(3);
        TrainingSession s = train(spec, new ObjectiveSpec.Cdm(0.01, 1), 0.1, 1500);
        int n = 600;
        float[] class0 = samples(s, SamplingRequest.ofClass(n, 5, 0));
        double same = Mmd.mmd(class0, n, classData(0, n), n, 2, BANDWIDTH);
        double other = Mmd.mmd(class0, n, classData(1, n), n, 2, BANDWIDTH);
        assertThat(other).isGreaterThan(5 * Math.max(same, 0.002));
    }

    @Test
    void aConditionalModelNeedsALabelledDatasetWithItsClassCount() {
        assertThatThrownBy(() -> train(MlpSpec.defaults(2).withWidth(16).withClassCount(5), new ObjectiveSpec.Ddpm(),
                0.1, 1)).isInstanceOf(InvalidConfigException.class).hasMessageContaining("3 classes");
        assertThatThrownBy(() -> TrainingConfig.TOY_DEFAULT.withLabelDropout(1.5))
                .isInstanceOf(InvalidConfigException.class);
    }
}
