package org.noiselab.toys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A named toy distribution: an exact {@link GaussianMixture}, optionally with a class label per component (for
 * classifier-free guidance), and a rectangle in which it is worth looking at.
 *
 * @param name             the identifier used on the command line and in checkpoints
 * @param description      one line for people
 * @param mixture          the exact distribution
 * @param componentClasses the class of each mixture component ({@code 0} for every component when unlabelled)
 * @param classNames       one name per class (one entry when unlabelled)
 * @param viewBounds       {@code [min, max]} per dimension, the region a plot of this dataset shows
 */
public record ToyDataset(String name, String description, GaussianMixture mixture, int[] componentClasses,
                         List<String> classNames, double[] viewBounds) {

    public ToyDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mixture, "mixture");
        if (componentClasses.length != mixture.components()) {
            throw new IllegalArgumentException("one class per component expected");
        }
        for (int c : componentClasses) {
            if (c < 0 || c >= classNames.size()) {
                throw new IllegalArgumentException("component class " + c + " out of range");
            }
        }
        if (viewBounds.length != 2 * mixture.dim()) {
            throw new IllegalArgumentException("viewBounds needs a [min, max] pair per dimension");
        }
        componentClasses = componentClasses.clone();
        classNames = List.copyOf(classNames);
        viewBounds = viewBounds.clone();
    }

    /** An unlabelled dataset whose view is the mixture's bounding box, padded. */
    static ToyDataset unlabelled(String name, String description, GaussianMixture mixture) {
        return new ToyDataset(name, description, mixture, new int[mixture.components()], List.of(name),
                paddedBounds(mixture));
    }

    public int dim() {
        return mixture.dim();
    }

    public int classCount() {
        return classNames.size();
    }

    public boolean labelled() {
        return classNames.size() > 1;
    }

    @Override
    public int[] componentClasses() {
        return componentClasses.clone();
    }

    @Override
    public double[] viewBounds() {
        return viewBounds.clone();
    }

    /** Draws n labelled points with a generator seeded from {@code seed}. */
    public LabelledPoints sample(int n, long seed) {
        return sample(n, new SplittableRandom(seed));
    }

    /** Draws n labelled points from the given generator. */
    public LabelledPoints sample(int n, SplittableRandom rng) {
        int[] components = new int[n];
        double[] points = mixture.sample(n, rng, components);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = componentClasses[components[i]];
        }
        return new LabelledPoints(points, labels, n, dim());
    }

    /** The exact distribution of class {@code c}, {@code p(x | c)}. */
    public GaussianMixture classMixture(int c) {
        if (c < 0 || c >= classCount()) {
            throw new IllegalArgumentException("class " + c + " out of range 0.." + (classCount() - 1));
        }
        List<Integer> idx = new ArrayList<>();
        for (int k = 0; k < componentClasses.length; k++) {
            if (componentClasses[k] == c) {
                idx.add(k);
            }
        }
        return mixture.restrictedTo(idx.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The prior probability of class {@code c}. */
    public double classPrior(int c) {
        double p = 0;
        for (int k = 0; k < componentClasses.length; k++) {
            if (componentClasses[k] == c) {
                p += mixture.weight(k);
            }
        }
        return p;
    }

    static double[] paddedBounds(GaussianMixture m) {
        int d = m.dim();
        double[] b = new double[2 * d];
        for (int j = 0; j < d; j++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < m.components(); k++) {
                double s = 3 * Math.sqrt(m.variance(k, j));
                lo = Math.min(lo, m.mean(k, j) - s);
                hi = Math.max(hi, m.mean(k, j) + s);
            }
            double pad = 0.1 * (hi - lo);
            b[2 * j] = Math.floor((lo - pad) * 2) / 2;
            b[2 * j + 1] = Math.ceil((hi + pad) * 2) / 2;
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToyDataset other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "ToyDataset[" + name + ", dim=" + dim() + ", components=" + mixture.components() + ", classes="
                + classCount() + ", view=" + Arrays.toString(viewBounds) + "]";
    }
}
