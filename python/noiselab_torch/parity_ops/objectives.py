"""Training objectives: the twin's loss and parameter gradient of one engine training step, on the engine's draws.

A case names a step-0 checkpoint (the model, schedule, objective and label dropout of its manifest, the weights it
starts from), the data's per-dimension variances, a safetensors file of the float32 inputs (``x0``, and each loss
part's float32 noise ``<part>.eps``) and, in the case itself, the integers and the float64 draws (JSON keeps a double
exactly): ``labels``, ``dropoutU``, ``<part>.t``, ``<part>.u``, ``<part>.y``, ``<part>.noise``. Parts: ``ddpm``,
``itd``, ``cdm``, and ``cdl`` (its ITD rows under ``cdl.itd``), in the order the engine draws them.
"""

import copy
import os

import numpy as np
import torch

from .. import checkpoint, models, objectives, schedule
from ..safetensors_io import read


def alpha_bars(section):
    """``abar_t``, ``t = 0..T+1``, of a manifest's ``schedule`` section (the schedule twin's table), float64."""
    return schedule.NoiseSchedule.from_manifest(section).alpha_bars


def _draws(loss, case, inputs, prefix, n, dim):
    """The draws of one loss (or composite) from the case, under ``prefix``."""
    if isinstance(loss, objectives.CompositeLoss):
        first = "ddpm" if isinstance(loss.first, objectives.DdpmLoss) else "itd"
        return objectives.CompositeDraws(_draws(loss.first, case, inputs, first, n, dim),
                                         _draws(loss.second, case, inputs, "cdl", n, dim))
    if isinstance(loss, objectives.DdpmLoss):
        return objectives.DdpmDraws(torch.tensor(case["ddpm.t"]), torch.from_numpy(inputs["ddpm.eps"]))
    if isinstance(loss, objectives.CdmLoss):
        return objectives.CdmDraws(torch.tensor(case["cdm.t"]), torch.from_numpy(inputs["cdm.eps"]))
    if isinstance(loss, objectives.ItdLoss):
        return _itd(case, inputs, prefix)
    if isinstance(loss, objectives.ContrastiveLoss):
        count = len(case["cdl.u"])
        return objectives.ContrastiveDraws(torch.tensor(case["cdl.u"], dtype=torch.float64),
                                           torch.tensor(case["cdl.y"]),
                                           torch.tensor(case["cdl.noise"], dtype=torch.float64).view(count, dim),
                                           _itd(case, inputs, "cdl.itd"))
    raise ValueError(f"no draws for {type(loss).__name__}")


def _itd(case, inputs, prefix):
    return objectives.ItdDraws(torch.tensor(case[prefix + ".u"], dtype=torch.float64),
                               torch.from_numpy(inputs[prefix + ".eps"]))


def _split(value):
    """A double as two float32s ``[hi, lo]`` with ``hi + lo`` equal to it to about 1e-14 relative."""
    hi = np.float32(value)
    return np.array([hi, np.float32(float(value) - float(hi))], dtype=np.float32)


def training_step(case, directory):
    """Loss and parameter gradients of the engine's step on its draws; with ``check`` directions, also the float64
    twin's exact gradient and directional derivatives against central differences (see ``_float64_check``)."""
    k = checkpoint.load(os.path.join(directory, case["checkpoint"]))
    with open(os.path.join(directory, case["inputs"]), "rb") as f:
        inputs, _ = read(f.read(), case["inputs"])
    model = models.load_weights(models.build(k.model), k.weights)
    spec = objectives.ObjectiveSpec.from_manifest(k.manifest["objective"])
    x0 = torch.from_numpy(inputs["x0"])
    n, dim = x0.shape
    loss = objectives.create(spec, alpha_bars(k.manifest["schedule"]), case["variances"],
                             int(k.manifest["training"]["batchSize"]))
    labels = None
    if case.get("labels") is not None:
        labels = torch.tensor(case["labels"], dtype=torch.int64)
        dropout = float(k.manifest["training"].get("labelDropout", 0.1))
        if case.get("dropoutU") is not None:
            labels = objectives.drop_labels(labels, int(k.model["classCount"]), dropout, case["dropoutU"])
    batch = objectives.TrainingBatch(x0, labels)
    draws = _draws(loss, case, inputs, spec.kind, n, dim)

    out = {}
    model.zero_grad()
    if isinstance(loss, objectives.CdmLoss):
        terms = loss.terms(model, batch, draws)
        value = terms.loss
        out["crossEntropy"] = _split(float(terms.cross_entropy))
        out["squaredError"] = _split(float(terms.squared_error))
    else:
        value = loss.loss(model, batch, draws)
    value.backward()
    out["loss"] = _split(float(value))
    if labels is not None:
        out["labels"] = labels.to(torch.float32)
    for name, p in model.named_parameters():
        out["grad." + name] = torch.zeros_like(p) if p.grad is None else p.grad
    directions = int(case.get("check", 0))
    if directions:
        out.update(_float64_check(model, loss, batch, draws, directions, float(case.get("step", 1e-5))))
    return out


def _float64_check(model, loss, batch, draws, directions, h):
    """The float64 twin's exact gradient (``grad64.<name>``) and, along random unit directions v, its directional
    derivative ``g . v`` (``check.exact``) and its difference from the central difference ``(L(theta + h v) -
    L(theta - h v)) / 2h`` (``check.difference``)."""
    twin = copy.deepcopy(model).double()
    twin.zero_grad()
    loss.loss(twin, batch, draws).backward()
    params = list(twin.parameters())
    out = {"grad64." + name: p.grad.clone() for name, p in twin.named_parameters()}
    exact, numeric = [], []
    generator = torch.Generator().manual_seed(1234)
    for _ in range(directions):
        v = [torch.randn(p.shape, generator=generator, dtype=torch.float64) for p in params]
        norm = torch.sqrt(sum((x * x).sum() for x in v))
        v = [x / norm for x in v]
        exact.append(float(sum((p.grad * x).sum() for p, x in zip(params, v))))
        base = [p.detach().clone() for p in params]
        values = []
        for sign in (1, -1):
            with torch.no_grad():
                for p, b, x in zip(params, base, v):
                    p.copy_(b + sign * h * x)
            values.append(float(loss.loss(twin, batch, draws).detach()))  # CDM needs autograd for grad_x F
        with torch.no_grad():
            for p, b in zip(params, base):
                p.copy_(b)
        numeric.append((values[0] - values[1]) / (2 * h))
    exact, numeric = np.array(exact), np.array(numeric)
    out["check.exact"] = exact
    out["check.difference"] = exact - numeric  # float64 difference, sent as float32 without losing its size
    return out


def calibration(case, directory):
    """``LevelCalibration`` of the checkpoint's classifier on the engine's draws (``x0`` level-major, float64 ``eps``
    in the case): the offsets, cross-entropies, likelihood shift, iterations and the folded read-out bias."""
    k = checkpoint.load(os.path.join(directory, case["checkpoint"]))
    with open(os.path.join(directory, case["inputs"]), "rb") as f:
        inputs, _ = read(f.read(), case["inputs"])
    model = models.load_weights(models.build(k.model), k.weights)
    x0 = torch.from_numpy(inputs["x0"])
    eps = torch.tensor(case["eps"], dtype=torch.float64).view(x0.shape)
    per_level = int(case["perLevel"])
    x = objectives.LevelCalibration.noised_draws(x0, alpha_bars(k.manifest["schedule"]), per_level, eps)
    with torch.no_grad():
        logits = model.logits(x, None)
    result = objectives.LevelCalibration.solve(logits, per_level)
    bias = dict(model.named_parameters())[f"layers.{int(k.model['depth'])}.bias"]
    return {"offsets": result.offsets, "crossEntropyBefore": _split(result.cross_entropy_before),
            "crossEntropyAfter": _split(result.cross_entropy_after),
            "likelihoodShift": _split(result.likelihood_shift),
            "iterations": np.array([result.iterations]),
            "folded": objectives.LevelCalibration.fold(bias, result.offsets)}
