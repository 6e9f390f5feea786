package org.noiselab.app.service;

import java.util.HashMap;
import java.util.Map;
import org.noiselab.engine.model.Denoiser;
import org.noiselab.engine.model.ModelSpec;
import org.noiselab.engine.model.Models;
import org.noiselab.engine.model.OracleDenoiser;
import org.noiselab.engine.model.TrainableModel;
import org.noiselab.engine.schedule.ScheduleSpec;
import org.noiselab.toys.ToyDatasets;

/**
 * Denoisers for the analysis thread, reused across requests: one network per architecture whose weights are
 * overwritten from each snapshot (so a 30 Hz refresh allocates no new activation buffers), one oracle per dataset.
 * Confined to the analysis thread.
 */
final class DenoiserCache {

    private final Map<ModelSpec, TrainableModel> networks = new HashMap<>();
    private final Map<TrainableModel, Map<ScheduleSpec, Denoiser>> views = new HashMap<>();
    private final Map<String, OracleDenoiser> oracles = new HashMap<>();

    Denoiser resolve(ModelSnapshot snapshot, ModelChoice choice) {
        if (choice == ModelChoice.ORACLE) {
            return oracle(snapshot.dataset());
        }
        float[] weights = choice == ModelChoice.EMA ? snapshot.ema() : snapshot.raw();
        TrainableModel net = networks.computeIfAbsent(snapshot.spec(), s -> Models.withParameters(s, weights));
        System.arraycopy(weights, 0, net.parameters(), 0, weights.length);
        return views.computeIfAbsent(net, k -> new HashMap<>())
                .computeIfAbsent(snapshot.schedule(), s -> Models.asDenoiser(net, s));
    }

    OracleDenoiser oracle(String dataset) {
        return oracles.computeIfAbsent(dataset, d -> new OracleDenoiser(ToyDatasets.byName(d)));
    }
}
