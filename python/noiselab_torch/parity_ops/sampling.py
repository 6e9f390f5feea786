"""The schedules' and samplers' parity cases."""

import math
import os

import numpy as np
import torch

from .. import models, safetensors_io
from ..sample import NoiseTape, ddim, ddpm, guided
from ..schedule import NoiseSchedule


def split64(name, values):
    """A float64 tensor as three float32 tensors with ``hi + mid + lo`` equal to it (72 significant bits cover
    float64's 53 for values in float32's normal range); a non-finite value travels in ``hi``, with zeros below."""
    values = torch.as_tensor(values, dtype=torch.float64)
    out = {}
    rest = values
    for part in ("hi", "mid", "lo"):
        f = rest.to(torch.float32)
        f = torch.where(torch.isfinite(values), f, values.to(torch.float32) if part == "hi" else torch.zeros_like(f))
        out[f"{name}.{part}"] = f
        rest = torch.where(torch.isfinite(values), rest - f.to(torch.float64), torch.zeros_like(values))
    return out


def schedule_tables(case, directory):
    """Every table of the schedule a manifest's ``schedule`` section describes, ``t = 0..T+1`` (NaN where the engine
    refuses the index), as hi/mid/lo triples, plus the float32 log-SNRs the models are fed."""
    s = NoiseSchedule.from_manifest(case["schedule"])
    out = {}
    for name, table in (("alphaBar", s.alpha_bars), ("beta", s.betas), ("logSnr", s.log_snrs),
                        ("sigma", s.sigmas), ("posteriorVariance", s.posterior_variances)):
        out.update(split64(name, table))
    out["logSnr.f32"] = s.log_snrs.to(torch.float32)
    return out


def gaussian_classes_eps(means, variances):
    """The exact eps of data ``x_0 | c ~ N(mu_c, s_c^2 I)`` (row ``c`` of ``means``; ``None`` labels use the last row):
    ``eps_hat = sqrt(1 - abar) (x - sqrt(abar) mu_c) / (abar s_c^2 + 1 - abar)``, ``abar = sigmoid(lambda)``, computed
    in float64 from the float32 inputs and rounded to float32 (a closed form the engine's test computes the same way).
    """
    means = torch.as_tensor(means, dtype=torch.float64)
    variances = torch.as_tensor(variances, dtype=torch.float64)

    def eps(x, log_snr, labels):
        lam = log_snr.to(torch.float64)
        # sigmoid as the engine writes it: 1 / (1 + e^-l) for l >= 0, e^l / (1 + e^l) below
        abar = torch.where(lam >= 0, 1 / (1 + torch.exp(-lam)), torch.exp(lam) / (1 + torch.exp(lam))).unsqueeze(1)
        c = torch.full((x.shape[0],), means.shape[0] - 1, dtype=torch.int64) if labels is None else labels
        mu, var = means[c], variances[c].unsqueeze(1)
        sigma = torch.sqrt(1 - abar)
        return (sigma * (x.to(torch.float64) - torch.sqrt(abar) * mu) / (abar * var + (1 - abar))).to(torch.float32)

    return eps


def _read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return safetensors_io.read(f.read(), name)[0]


def _eps_function(spec, directory):
    if spec["kind"] == "gaussian-classes":
        t = _read(directory, spec["file"])
        return gaussian_classes_eps(t["means"], t["variances"][:, 0])
    if spec["kind"] == "model":
        model = models.load_weights(models.build(spec["model"]), _read(directory, spec["weights"])).eval()

        def eps(x, log_snr, labels):
            with torch.no_grad():
                return model(x, log_snr, labels)

        return eps
    raise ValueError(f"eps kind '{spec['kind']}'")


def trajectory(case, directory):
    """A DDPM or DDIM trajectory (``case['sampler']``: kind, steps, eta) with the engine's noise: ``x_T`` from the
    ``start`` tensors (with optional ``labels``), then one block of ``n * dim`` float64 draws per noisy step, in order,
    from the raw little-endian file ``case['noise']``. Returns every state ``[K + 1, n, dim]``."""
    start = _read(directory, case["start"])
    x = torch.from_numpy(start["x"].copy())
    labels = torch.from_numpy(start["labels"].astype(np.int64)) if "labels" in start else None
    draws = np.fromfile(os.path.join(directory, case["noise"]), dtype="<f8")
    block = x.numel()
    if draws.size % block:
        raise ValueError(f"{draws.size} noise draws are not whole blocks of {block}")
    tape = NoiseTape(draws.reshape(-1, block))
    eps = _eps_function(case["eps"], directory)
    if case.get("guidance", 0) > 0:
        eps = guided(eps, case["guidance"], case["nullClass"])
    schedule = NoiseSchedule.from_manifest(case["schedule"])
    sampler = case["sampler"]
    if sampler["kind"] == "ddpm":
        states = ddpm(eps, schedule, x, sampler["steps"], labels=labels, noise=tape)
    elif sampler["kind"] == "ddim":
        states = ddim(eps, schedule, x, sampler["steps"], eta=sampler["eta"], labels=labels, noise=tape)
    else:
        raise ValueError(f"sampler '{sampler['kind']}' has no twin")
    if not tape.exhausted():
        raise ValueError("the sampler used fewer noise draws than the engine recorded")
    return {"states": torch.stack(states)}
