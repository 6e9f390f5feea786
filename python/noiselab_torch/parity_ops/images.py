"""Parity ops of the image models: the U-Net denoiser and the convolutional noise-level classifier.

A case names its model either by ``checkpoint`` (an .nlab file in the folder; ``ema`` picks the EMA weights, the
default) or by ``model`` (a manifest ``model`` section) and ``weights`` (a safetensors file of the engine's named
tensors), and its inputs by ``inputs`` (a safetensors file). Images travel as the engine's flat channel-major rows
``[n, c h w]``; labels as float32 values (absent: no labels, i.e. the null class).
"""

import os

import numpy as np
import torch

from .. import checkpoint, models, safetensors_io


def _read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return safetensors_io.read(f.read(), name)[0]


def _model(case, directory):
    if "checkpoint" in case:
        return models.from_checkpoint(checkpoint.load(os.path.join(directory, case["checkpoint"])),
                                      ema=case.get("ema", True))
    return models.load_weights(models.build(case["model"]), _read(directory, case["weights"]))


def _tensor(inputs, name):
    return torch.from_numpy(np.ascontiguousarray(inputs[name], dtype=np.float32))


def _labels(inputs):
    if "labels" not in inputs:
        return None
    values = np.asarray(inputs["labels"], dtype=np.float64)
    if not np.all(values == np.round(values)):
        raise ValueError("labels must be whole numbers")
    return torch.from_numpy(values.astype(np.int64))


def _parameter_gradients(model, loss, prefix):
    names = [k for k, _ in model.named_parameters()]
    grads = torch.autograd.grad(loss, [p for _, p in model.named_parameters()], allow_unused=True)
    return {prefix + k: (torch.zeros_like(p) if g is None else g)
            for k, p, g in zip(names, model.parameters(), grads)}


def unet(case, directory):
    """``eps`` = the U-Net's output for ``x``, ``log_snr`` (and ``labels``); ``grad.<name>`` = the parameter
    gradients of the probe loss ``sum(eps * probe)``."""
    model = _model(case, directory)
    inputs = _read(directory, case["inputs"])
    eps = model(_tensor(inputs, "x"), _tensor(inputs, "log_snr"), _labels(inputs))
    out = {"eps": eps.detach()}
    out.update(_parameter_gradients(model, (eps * _tensor(inputs, "probe")).sum(), "grad."))
    return out


def classifier(case, directory):
    """For ``x`` (and ``labels``): ``logits`` f(x); ``gap_gradient`` = grad_x F(x, tau) at the fractional levels
    ``tau``; ``train_gap_gradient`` = grad_x F(x, t) at the integer levels ``levels``; ``grad.<name>`` = the
    parameter gradients of ``sum(f * probe)``; ``cdm_grad.<name>`` = those of ``sum(f * probe) + sum(grad_x F(x, t)
    * cotangent)`` (double back-propagation, what the engine's training backward approximates)."""
    model = _model(case, directory)
    inputs = _read(directory, case["inputs"])
    x = _tensor(inputs, "x")
    labels = _labels(inputs)
    probe = _tensor(inputs, "probe")
    logits = model(x, labels)
    out = {"logits": logits.detach(),
           "gap_gradient": model.level_gap_gradient(x, _tensor(inputs, "tau"), labels)}
    out.update(_parameter_gradients(model, (logits * probe).sum(), "grad."))
    xg = x.clone().requires_grad_(True)
    train_logits = model(xg, labels)
    train_gap = model.level_gap_gradient(xg, _tensor(inputs, "levels"), labels, create_graph=True)
    out["train_gap_gradient"] = train_gap.detach()
    loss = (train_logits * probe).sum() + (train_gap * _tensor(inputs, "cotangent")).sum()
    out.update(_parameter_gradients(model, loss, "cdm_grad."))
    return out
