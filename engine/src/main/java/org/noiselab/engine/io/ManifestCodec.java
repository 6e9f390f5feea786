package org.noiselab.engine.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.noiselab.engine.model.ClassifierSpec;
import org.noiselab.engine.model.ConvClassifierSpec;
import org.noiselab.engine.model.MlpSpec;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.UNetSpec;
import org.noiselab.engine.model.layer.Activation;
import org.noiselab.engine.objective.ObjectiveSpec;
import org.noiselab.engine.optim.AdamWSpec;
import org.noiselab.engine.optim.LearningRateSchedule;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.engine.train.RunSeeds;
import org.noiselab.engine.train.TrainingConfig;
import org.noiselab.engine.train.TrainingSetup;

/**
 * Writes a {@link TrainingSetup} as the JSON of {@code manifest.json} and reads it back strictly: every field is
 * required and typed, unknown kinds are rejected, and values go through the spec records' own validation.
 */
final class ManifestCodec {

    private ManifestCodec() {
    }

    static void writeSetup(TrainingSetup setup, ObjectNode root) {
        ObjectNode dataset = root.putObject("dataset");
        dataset.put("name", setup.dataset());
        dataset.put("dim", setup.model().dim());
        if (org.noiselab.toys.ToyDatasets.exists(setup.dataset())) {
            org.noiselab.toys.ToyDataset d = org.noiselab.toys.ToyDatasets.byName(setup.dataset());
            dataset.put("classes", d.labelled() ? d.classCount() : 0);
            dataset.put("description", d.description());
        }
        writeModel(setup.model(), root.putObject("model"));
        writeSchedule(setup.schedule(), root.putObject("schedule"));
        ObjectNode objective = root.putObject("objective");
        objective.put("kind", setup.objective().kind());
        if (setup.objective().contrastive() != null) {
            objective.put("cdlWeight", setup.objective().contrastive().weight());
            objective.put("cdlSamples", setup.objective().contrastive().samples());
            objective.put("cdlPoints", setup.objective().contrastive().points());
        }
        if (setup.objective() instanceof ObjectiveSpec.Cdm cdm) {
            objective.put("ceWeight", cdm.ceWeight());
            objective.put("mseWeight", cdm.mseWeight());
        }
        writeConfig(setup.config(), root.putObject("training"));
        ObjectNode seeds = root.putObject("seeds");
        seeds.put("data", setup.seeds().data());
        seeds.put("init", setup.seeds().init());
        seeds.put("train", setup.seeds().train());
        seeds.put("sample", setup.seeds().sample());
        if (setup.init() != null) {
            ObjectNode init = root.putObject("initialisedFrom");
            init.put("source", setup.init().source());
            init.put("step", setup.init().step());
            init.put("parametersSha256", setup.init().parametersSha256());
        }
    }

    static TrainingSetup readSetup(JsonFields root) {
        String dataset = root.object("dataset").text("name");
        ModelSpec model = readModel(root.object("model"));
        ScheduleSpec schedule = readSchedule(root.object("schedule"));
        ObjectiveSpec objective = validated(root, "objective", () -> readObjective(root.object("objective")));
        TrainingConfig config = readConfig(root.object("training"));
        JsonFields s = root.object("seeds");
        RunSeeds seeds = new RunSeeds(s.longValue("data"), s.longValue("init"), s.longValue("train"),
                s.longValue("sample"));
        TrainingSetup.InitialWeights init = !root.has("initialisedFrom") ? null : validated(root, "initialisedFrom",
                () -> readInit(root.object("initialisedFrom")));
        return validated(root, "setup", () -> new TrainingSetup(dataset, model, schedule, objective, config, seeds,
                init));
    }

    private static TrainingSetup.InitialWeights readInit(JsonFields o) {
        return new TrainingSetup.InitialWeights(o.text("source"), o.integer("step"), o.text("parametersSha256"));
    }

    private static ObjectiveSpec readObjective(JsonFields o) {
        ObjectiveSpec spec = ObjectiveSpec.parse(o.text("kind"));
        if (spec instanceof ObjectiveSpec.Cdm) {
            return new ObjectiveSpec.Cdm(o.number("ceWeight"), o.number("mseWeight"));
        }
        if (spec.contrastive() == null) {
            return spec;
        }
        ObjectiveSpec.ContrastiveSettings settings = new ObjectiveSpec.ContrastiveSettings(o.number("cdlWeight"),
                o.integer("cdlSamples"), o.integer("cdlPoints"));
        return spec instanceof ObjectiveSpec.Cdl ? new ObjectiveSpec.Cdl(settings) : new ObjectiveSpec.DdpmCdl(settings);
    }

    private static void writeModel(ModelSpec spec, ObjectNode node) {
        if (spec instanceof ClassifierSpec c) {
            writeClassifier(c, node);
            return;
        }
        if (spec instanceof ConvClassifierSpec k) {
            node.put("kind", k.kind());
            node.put("channels", k.channels());
            node.put("height", k.height());
            node.put("width", k.width());
            node.put("baseChannels", k.baseChannels());
            node.put("resolutions", k.resolutions());
            node.put("levels", k.levels());
            node.put("classCount", k.classCount());
            node.put("parameterCount", k.parameterCount());
            return;
        }
        if (spec instanceof UNetSpec u) {
            node.put("kind", u.kind());
            node.put("channels", u.channels());
            node.put("height", u.height());
            node.put("width", u.width());
            node.put("baseChannels", u.baseChannels());
            node.put("levels", u.levels());
            node.put("classCount", u.classCount());
            node.put("parameterCount", u.parameterCount());
            return;
        }
        MlpSpec m = (MlpSpec) spec;
        node.put("kind", m.kind());
        node.put("dim", m.dim());
        node.put("width", m.width());
        node.put("depth", m.depth());
        node.put("activation", m.activation().name().toLowerCase(java.util.Locale.ROOT));
        node.put("inputFrequencies", m.inputFrequencies());
        node.put("inputScale", m.inputScale());
        node.put("noiseFrequencies", m.noiseFrequencies());
        node.put("noiseScale", m.noiseScale());
        node.put("classCount", m.classCount());
        node.put("parameterCount", m.parameterCount());
    }

    private static void writeClassifier(ClassifierSpec c, ObjectNode node) {
        node.put("kind", c.kind());
        node.put("dim", c.dim());
        node.put("width", c.width());
        node.put("depth", c.depth());
        node.put("activation", c.activation().name().toLowerCase(java.util.Locale.ROOT));
        node.put("inputFrequencies", c.inputFrequencies());
        node.put("inputScale", c.inputScale());
        node.put("levels", c.levels());
        node.put("classCount", c.classCount());
        node.put("parameterCount", c.parameterCount());
    }

    private static ModelSpec readModel(JsonFields m) {
        String kind = m.text("kind");
        if ("classifier-mlp".equals(kind)) {
            return checkedCount(m, validated(m, "model", () -> new ClassifierSpec(m.integer("dim"), m.integer("width"),
                    m.integer("depth"), activation(m), m.integer("inputFrequencies"), m.number("inputScale"),
                    m.integer("levels"), m.integer("classCount"))));
        }
        if ("classifier-unet".equals(kind)) {
            return checkedCount(m, validated(m, "model", () -> new ConvClassifierSpec(m.integer("channels"),
                    m.integer("height"), m.integer("width"), m.integer("baseChannels"), m.integer("resolutions"),
                    m.integer("levels"), m.integer("classCount"))));
        }
        if ("unet".equals(kind)) {
            return checkedCount(m, validated(m, "model", () -> new UNetSpec(m.integer("channels"), m.integer("height"),
                    m.integer("width"), m.integer("baseChannels"), m.integer("levels"), m.integer("classCount"))));
        }
        if (!"mlp".equals(kind)) {
            throw m.fail("kind", "'" + kind + "' is not a known model (expected mlp, classifier-mlp, unet or classifier-unet)");
        }
        MlpSpec spec = validated(m, "model", () -> new MlpSpec(m.integer("dim"), m.integer("width"),
                m.integer("depth"), activation(m), m.integer("inputFrequencies"), m.number("inputScale"),
                m.integer("noiseFrequencies"), m.number("noiseScale"), m.integer("classCount")));
        return checkedCount(m, spec);
    }

    private static ModelSpec checkedCount(JsonFields m, ModelSpec spec) {
        if (m.integer("parameterCount") != spec.parameterCount()) {
            throw m.fail("parameterCount", "is " + m.integer("parameterCount") + " but the architecture has "
                    + spec.parameterCount());
        }
        return spec;
    }

    private static Activation activation(JsonFields m) {
        String name = m.text("activation");
        for (Activation a : Activation.values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw m.fail("activation", "'" + name + "' is not one of relu, silu, gelu, tanh");
    }

    private static void writeSchedule(ScheduleSpec spec, ObjectNode node) {
        node.put("kind", spec.kind());
        node.put("steps", spec.steps());
        if (spec instanceof ScheduleSpec.LinearBeta lin) {
            node.put("betaStart", lin.betaStart());
            node.put("betaEnd", lin.betaEnd());
        } else if (spec instanceof ScheduleSpec.Cosine cos) {
            node.put("offset", cos.offset());
        }
    }

    private static ScheduleSpec readSchedule(JsonFields s) {
        String kind = s.text("kind");
        return validated(s, "schedule", () -> switch (kind) {
            case "linear" -> new ScheduleSpec.LinearBeta(s.integer("steps"), s.number("betaStart"),
                    s.number("betaEnd"));
            case "cosine" -> new ScheduleSpec.Cosine(s.integer("steps"), s.number("offset"));
            case "uniform" -> new ScheduleSpec.Uniform(s.integer("steps"));
            default -> throw s.fail("kind", "'" + kind + "' is not linear, cosine or uniform");
        });
    }

    private static void writeConfig(TrainingConfig c, ObjectNode node) {
        node.put("steps", c.steps());
        node.put("batchSize", c.batchSize());
        ObjectNode lr = node.putObject("learningRate");
        lr.put("peak", c.learningRate().peak());
        lr.put("warmupSteps", c.learningRate().warmupSteps());
        lr.put("cosine", c.learningRate().cosine());
        lr.put("finalFraction", c.learningRate().finalFraction());
        ObjectNode opt = node.putObject("optimizer");
        opt.put("kind", "adamw");
        opt.put("beta1", c.optimizer().beta1());
        opt.put("beta2", c.optimizer().beta2());
        opt.put("epsilon", c.optimizer().epsilon());
        opt.put("weightDecay", c.optimizer().weightDecay());
        opt.put("clipNorm", c.optimizer().clipNorm());
        node.put("emaDecay", c.emaDecay());
        node.put("labelDropout", c.labelDropout());
    }

    private static TrainingConfig readConfig(JsonFields c) {
        JsonFields lr = c.object("learningRate");
        JsonFields opt = c.object("optimizer");
        if (!"adamw".equals(opt.text("kind"))) {
            throw opt.fail("kind", "must be adamw");
        }
        return validated(c, "training", () -> new TrainingConfig(c.integer("steps"), c.integer("batchSize"),
                new LearningRateSchedule(lr.number("peak"), lr.integer("warmupSteps"), lr.bool("cosine"),
                        lr.number("finalFraction")),
                new AdamWSpec(opt.number("beta1"), opt.number("beta2"), opt.number("epsilon"),
                        opt.number("weightDecay"), opt.number("clipNorm")),
                c.number("emaDecay"),
                c.has("labelDropout") ? c.number("labelDropout") : TrainingConfig.DEFAULT_LABEL_DROPOUT));
    }

    /** Runs a spec constructor and turns its validation error into a format error naming the section. */
    private static <T> T validated(JsonFields where, String section, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw where.invalid(section + " is invalid: " + e.getMessage());
        }
    }
}
