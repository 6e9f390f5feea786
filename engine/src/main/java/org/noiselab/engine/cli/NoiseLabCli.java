package org.noiselab.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.noiselab.engine.EngineVersion;
import org.noiselab.engine.io.FileFormatException;
import org.noiselab.engine.sample.SamplingCancelledException;
import org.noiselab.engine.train.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The headless command line: {@code noiselab <command> [options]}. Every command validates its input and fails with
 * one line and exit code 2 on bad input; no stack trace reaches the user unless {@code NOISELAB_DEBUG=1}.
 */
@Command(name = "noiselab", mixinStandardHelpOptions = true, versionProvider = NoiseLabCli.Version.class,
        description = "Noise Lab: train, sample and inspect diffusion models headless.",
        subcommands = {TrainCommand.class, SampleCommand.class, PicardCommand.class, ScoreGridCommand.class,
            MmdCommand.class, NllCommand.class, LogitsCommand.class, ConfusionCommand.class, AblateCdmCommand.class,
            GuidanceSweepCommand.class, CalibrateCommand.class, FollowCommand.class, ReplayCommand.class,
            ImportCommand.class, ExportCommand.class,
            TrainClassifierCommand.class, ImageQualityCommand.class, BenchCommand.class,
            DatasetsCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class NoiseLabCli implements Runnable {

    /** Exit code for bad input: arguments, files, configurations. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code when training diverged. */
    public static final int EXIT_DIVERGED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Runs the CLI as a program. */
    public static void main(String[] args) {
        // what the CLI prints is read by scripts: one decimal point (and no grouping surprises) in every locale
        java.util.Locale.setDefault(java.util.Locale.Category.FORMAT, java.util.Locale.ROOT);
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the CLI with the given streams and returns the exit code (for tests and the launcher). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new NoiseLabCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // no option means anything by NaN or infinity: refused at parse time, whether the command uses the option or not
        cli.registerConverter(Double.class, NoiseLabCli::finite);
        cli.registerConverter(double.class, NoiseLabCli::finite);
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine sub = ex.getCommandLine();
            // one line, as for every other rejection; the usage hint folded in
            err.println("noiselab: error: " + oneLine(ex.getMessage()) + " (see '"
                    + sub.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex, err));
        return cli.execute(args);
    }

    private static Double finite(String text) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a finite number");
        }
        return v;
    }

    /** A message on one line, at most 300 characters. */
    static String oneLine(String message) {
        String s = String.valueOf(message).replaceAll("\\s*[\\r\\n]+\\s*", "; ");
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
    }

    /** Engine fields named by their command-line options, so that a rejection names what the user typed. */
    private static final java.util.Map<String, String> OPTION_OF_FIELD = java.util.Map.ofEntries(
            java.util.Map.entry("learningRate", "--lr"), java.util.Map.entry("warmupSteps", "--warmup"),
            java.util.Map.entry("emaDecay", "--ema"), java.util.Map.entry("timesteps", "--timesteps"),
            java.util.Map.entry("labelDropout", "--p-uncond"), java.util.Map.entry("weightDecay", "--weight-decay"),
            java.util.Map.entry("clipNorm", "--clip"), java.util.Map.entry("steps", "--steps"),
            java.util.Map.entry("batch", "--batch"), java.util.Map.entry("width", "--width"),
            java.util.Map.entry("depth", "--depth"), java.util.Map.entry("inputScale", "--input-scale"),
            java.util.Map.entry("baseChannels", "--base-channels"), java.util.Map.entry("activation", "--activation"),
            java.util.Map.entry("eta", "--eta"), java.util.Map.entry("window", "--window"),
            java.util.Map.entry("tol", "--tol"), java.util.Map.entry("guidance", "--guidance"),
            java.util.Map.entry("ce-weight", "--ce-weight"), java.util.Map.entry("mse-weight", "--mse-weight"),
            java.util.Map.entry("cdl-weight", "--cdl-weight"), java.util.Map.entry("cdl-samples", "--cdl-samples"),
            java.util.Map.entry("cdl-points", "--cdl-points"), java.util.Map.entry("n", "--n"),
            java.util.Map.entry("bandwidth", "--bandwidth"));

    private static int handle(Exception ex, PrintWriter err) {
        if ("1".equals(System.getenv("NOISELAB_DEBUG"))) {
            ex.printStackTrace(err);
        }
        if (ex instanceof org.noiselab.engine.InvalidConfigException ice && OPTION_OF_FIELD.containsKey(ice.field())) {
            ex = ice.named(OPTION_OF_FIELD.get(ice.field()));
        }
        if (ex instanceof TrainingDivergedException) {
            err.println("noiselab: " + oneLine(ex.getMessage()));
            return EXIT_DIVERGED;
        }
        if (ex instanceof NoSuchFileException e) {
            err.println("noiselab: error: no such file: " + e.getFile());
            return EXIT_BAD_INPUT;
        }
        if (ex instanceof AccessDeniedException e) {
            err.println("noiselab: error: permission denied: " + e.getFile());
            return EXIT_BAD_INPUT;
        }
        if (ex instanceof FileFormatException || ex instanceof IllegalArgumentException
                || ex instanceof IOException || ex instanceof SamplingCancelledException) {
            err.println("noiselab: error: " + oneLine(ex.getMessage()));
            return EXIT_BAD_INPUT;
        }
        err.println("noiselab: internal error: " + ex + " (set NOISELAB_DEBUG=1 for details)");
        return 1;
    }

    /** Prints the engine version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"noiselab " + EngineVersion.get()};
        }
    }
}
