package org.noiselab.toys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch twins' copy of the toy catalogue ({@code python/noiselab_torch/data/toys.json}: every dataset's exact
 * mixture, component classes, class names and view) equals the catalogue, so the Python trainer draws from the same
 * distributions without a JVM. After a change to a toy, regenerate it with
 * {@code mvn -pl toy-datasets test -Dtest=ToyCatalogueFileTest -Dnoiselab.regenerate=true}.
 */
class ToyCatalogueFileTest {

    static final String FILE = "python/noiselab_torch/data/toys.json";

    @Test
    void thePythonCopyOfTheCatalogueIsCurrent() throws IOException {
        Path file = repositoryRoot().resolve(FILE);
        String expected = catalogue();
        if (Boolean.getBoolean("noiselab.regenerate")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(file)).as(FILE + " exists").isTrue();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as(FILE + " differs from the toy catalogue; regenerate it: mvn -pl toy-datasets test "
                        + "-Dtest=ToyCatalogueFileTest -Dnoiselab.regenerate=true")
                .isEqualTo(expected);
    }

    /** One JSON object per dataset, numbers as Java writes doubles (each reads back to the same double). */
    static String catalogue() {
        StringJoiner sets = new StringJoiner(",\n", "{\"datasets\": [\n", "\n]}\n");
        for (String name : ToyDatasets.names()) {
            ToyDataset d = ToyDatasets.byName(name);
            GaussianMixture m = d.mixture();
            StringBuilder s = new StringBuilder("{");
            s.append("\"name\": \"").append(d.name()).append("\", ");
            s.append("\"description\": \"").append(d.description().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\", ");
            s.append("\"dim\": ").append(d.dim()).append(", ");
            s.append("\"classes\": ").append(d.labelled() ? d.classCount() : 0).append(", ");
            StringJoiner names = new StringJoiner("\", \"", "[\"", "\"]");
            d.classNames().forEach(names::add);
            s.append("\"classNames\": ").append(names).append(", ");
            s.append("\"viewBounds\": ").append(numbers(DoubleStream.of(d.viewBounds()))).append(", ");
            s.append("\"weights\": ").append(numbers(IntStream.range(0, m.components()).mapToDouble(m::weight)))
                    .append(",\n  ");
            s.append("\"componentClasses\": ").append(java.util.Arrays.toString(d.componentClasses()))
                    .append(",\n  ");
            s.append("\"means\": ").append(rows(m, true)).append(",\n  ");
            s.append("\"variances\": ").append(rows(m, false)).append("}");
            sets.add(s);
        }
        return sets.toString();
    }

    private static String rows(GaussianMixture m, boolean means) {
        StringJoiner rows = new StringJoiner(", ", "[", "]");
        for (int k = 0; k < m.components(); k++) {
            int c = k;
            rows.add(numbers(IntStream.range(0, m.dim()).mapToDouble(j -> means ? m.mean(c, j) : m.variance(c, j))));
        }
        return rows.toString();
    }

    private static String numbers(DoubleStream values) {
        StringJoiner j = new StringJoiner(", ", "[", "]");
        values.forEach(v -> j.add(Double.toString(v)));
        return j.toString();
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("python")) && Files.exists(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("toy-datasets"))) {
                return p;
            }
        }
        throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
    }
}
