package org.noiselab.engine.cli;

import java.util.concurrent.Callable;
import org.noiselab.toys.ToyDataset;
import org.noiselab.toys.ToyDatasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists the toy datasets. */
@Command(name = "datasets", mixinStandardHelpOptions = true, description = "List the toy datasets.")
final class DatasetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        for (String name : ToyDatasets.names()) {
            ToyDataset d = ToyDatasets.byName(name);
            out.printf("%-22s %dD  %4d components%s  %s%n", name, d.dim(), d.mixture().components(),
                    d.labelled() ? String.format("  %2d classes", d.classCount()) : "            ", d.description());
        }
        return 0;
    }
}
