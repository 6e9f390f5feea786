"""Parity of the dense (MLP) twins with the engine: outputs and gradients of a denoiser or a noise-level classifier.

A case names its model either as ``"checkpoint"`` (an ``.nlab`` file in the request's folder; its EMA weights) or as
``"spec"`` (a manifest ``model`` section) with ``"weights"`` (a safetensors file under the checkpoint's tensor names),
and its inputs as ``"inputs"`` (a safetensors file). Labels travel as floats (``labels``); without them the twin is
called with ``labels=None`` (the null class). Parameter gradients come back as ``grad.<tensor name>``.
"""

import os

import numpy as np
import torch

from .. import checkpoint, models, safetensors_io


def _model(case, directory):
    if "checkpoint" in case:
        model = models.from_checkpoint(checkpoint.load(os.path.join(directory, case["checkpoint"])), ema=True)
    else:
        with open(os.path.join(directory, case["weights"]), "rb") as f:
            tensors, _ = safetensors_io.read(f.read(), case["weights"])
        model = models.load_weights(models.build(case["spec"]), tensors)
    return model.to(torch.float32)


def _inputs(case, directory):
    with open(os.path.join(directory, case["inputs"]), "rb") as f:
        tensors, _ = safetensors_io.read(f.read(), case["inputs"])
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in tensors.items()}


def _labels(inputs):
    return inputs["labels"].round().long() if "labels" in inputs else None


def _parameter_gradients(model, loss):
    names = [k for k, _ in model.named_parameters()]
    grads = torch.autograd.grad(loss, [p for _, p in model.named_parameters()])
    return {"grad." + k: g for k, g in zip(names, grads)}


def denoiser(case, directory):
    """``eps`` of ``x`` at ``log_snr``; with a cotangent ``G`` also the gradients of ``sum(eps * G)``.

    Outputs: ``eps`` and, given ``G``, ``grad.<name>`` for every parameter.
    """
    model = _model(case, directory)
    inputs = _inputs(case, directory)
    x, log_snr, labels = inputs["x"], inputs["log_snr"], _labels(inputs)
    with torch.no_grad():
        out = {"eps": model(x, log_snr, labels)}
    if "G" in inputs:
        out.update(_parameter_gradients(model, (model(x, log_snr, labels) * inputs["G"]).sum()))
    return out


def classifier(case, directory):
    """Logits and level-gap input gradients of a noise-level classifier, and the CDM loss's parameter gradients.

    Outputs: ``logits`` of ``x``; ``gap_gradient`` = ``grad_x F(x, level)`` at the (fractional) ``level``; given
    integer ``levels`` with cotangents ``G_logits`` and ``G_gap``: ``train.gap_gradient`` at ``levels`` and
    ``grad.<name>`` = ``d/d theta [sum G_logits * f(x) + sum G_gap * grad_x F(x, levels)]`` (double
    back-propagation through the input gradient).
    """
    model = _model(case, directory)
    inputs = _inputs(case, directory)
    x, labels = inputs["x"], _labels(inputs)
    out = {}
    with torch.no_grad():
        out["logits"] = model.logits(x, labels)
    if "level" in inputs:
        out["gap_gradient"] = model.level_gap_gradient(x, inputs["level"], labels).detach()
    if "levels" in inputs:
        levels = inputs["levels"].round()
        xr = x.detach().requires_grad_(True)
        logits = model.logits(xr, labels)
        gap_gradient = model.level_gap_gradient(xr, levels, labels, create_graph=True)
        out["train.gap_gradient"] = gap_gradient.detach()
        loss = (logits * inputs["G_logits"]).sum() + (gap_gradient * inputs["G_gap"]).sum()
        out.update(_parameter_gradients(model, loss))
    return out
