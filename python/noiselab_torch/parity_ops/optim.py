"""The optimiser's parity cases: learning rates, AdamW steps with clipping and skips, and the EMA."""

import os

import numpy as np
import torch

from .. import safetensors_io
from ..optim import AdamW, AdamWSpec, ExponentialMovingAverage, LearningRateSchedule
from .sampling import split64


def learning_rates(case, directory):
    """``rate(step, total)`` for ``step = 0..total + 2`` of ``case['schedule']`` (a manifest section), as hi/mid/lo."""
    schedule = LearningRateSchedule.from_manifest(case["schedule"])
    total = case["total"]
    rates = torch.tensor([schedule.rate(k, total) for k in range(total + 3)], dtype=torch.float64)
    return split64("rate", rates)


def adamw_steps(case, directory):
    """From the saved state in ``case['state']`` (tensors params, m, v, ema; ``case['step']`` updates so far), one
    training step per row of ``grads`` as the engine's session applies it: the rate of step ``k = steps + 1``, the
    AdamW update, then the EMA update unless the gradient norm was not finite (the update skipped).

    Returns the parameters, moments and EMA after every row, and each row's rate and norm (hi/mid/lo)."""
    with open(os.path.join(directory, case["state"]), "rb") as f:
        tensors, _ = safetensors_io.read(f.read(), case["state"])
    spec = AdamWSpec.from_manifest(case["optimizer"])
    schedule = LearningRateSchedule.from_manifest(case["learningRate"])
    params = torch.from_numpy(tensors["params"].copy())
    opt = AdamW(spec, first_moment=tensors["m"], second_moment=tensors["v"], steps=case["step"])
    ema = ExponentialMovingAverage(case["emaDecay"], tensors["ema"], case["step"])
    grads = torch.from_numpy(tensors["grads"].copy())
    out = {k: [] for k in ("params", "m", "v", "ema")}
    rates, norms, counts = [], [], []
    for g in grads:
        lr = schedule.rate(opt.steps + 1, case["totalSteps"])
        norm = opt.step(params, g, lr)
        if np.isfinite(norm):
            ema.update(params)
        for k, v in (("params", params), ("m", opt.m), ("v", opt.v), ("ema", ema.average)):
            out[k].append(v.clone())
        rates.append(lr)
        norms.append(norm)
        counts.append(opt.steps)
    result = {k: torch.stack(v) for k, v in out.items()}
    result["steps"] = torch.tensor(counts, dtype=torch.float32)
    result.update(split64("rate", torch.tensor(rates, dtype=torch.float64)))
    result.update(split64("norm", torch.tensor(norms, dtype=torch.float64)))
    return result
