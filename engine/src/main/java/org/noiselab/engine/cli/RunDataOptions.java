package org.noiselab.engine.cli;

import java.io.IOException;
import org.noiselab.engine.InvalidConfigException;
import org.noiselab.engine.data.ToyTrainingData;
import org.noiselab.engine.data.TrainingData;
import org.noiselab.engine.image.ImageDatasets;
import org.noiselab.engine.image.ImageSet;
import org.noiselab.engine.image.ImageTrainingData;
import org.noiselab.engine.train.TrainingSetup;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The training data of a recorded run: its toy dataset, or the images these options name, checked against it. */
final class RunDataOptions {

    @Option(names = "--dataset", paramLabel = "NAME", description = "Image runs: mnist, cifar10 or png, as in train.")
    String dataset;

    @Mixin
    ImageDataOptions images;

    /** The data {@code setup} trained on. */
    TrainingData of(TrainingSetup setup) throws IOException {
        if (ToyDatasets.names().contains(setup.dataset())) {
            return new ToyTrainingData(ToyDatasets.byName(setup.dataset()));
        }
        if (dataset == null || !ImageDatasets.isImageDataset(dataset)) {
            throw new InvalidConfigException("--dataset", dataset, "the run trained on '" + setup.dataset()
                    + "', which is not a toy dataset: for a run on images pass the --dataset (mnist, cifar10 or png),"
                    + " --data and --held-out it trained with");
        }
        ImageSet train = images.split(dataset, 0).train();
        if (!train.name().equals(setup.dataset())) {
            throw new InvalidConfigException("--data", images.data, "gives the images '" + train.name()
                    + "'; the run trained on '" + setup.dataset() + "'");
        }
        return new ImageTrainingData(train);
    }
}
