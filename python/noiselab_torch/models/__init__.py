"""Twins of the engine's networks, built from a manifest's ``model`` section.

Each twin's ``state_dict()`` holds exactly the tensors of the checkpoint's safetensors files: the same names, shapes
and layouts (so ``load_weights`` is a strict ``load_state_dict`` and ``weights_of`` writes a file the engine reads).
"""

import importlib

import numpy as np
import torch

# model kind (the manifest's model.kind) -> module and class of its twin
_TWINS = {
    "mlp": ("mlp", "MlpDenoiser"),
    "classifier-mlp": ("mlp_classifier", "MlpClassifier"),
    "unet": ("unet", "UNetDenoiser"),
    "classifier-unet": ("conv_classifier", "ConvNoiseClassifier"),
}


def build(spec):
    """A freshly constructed twin (parameters uninitialised until loaded) for a manifest's ``model`` section."""
    kind = spec.get("kind")
    if kind not in _TWINS:
        raise ValueError(f"model.kind '{kind}' has no PyTorch twin (known: {', '.join(_TWINS)})")
    module, name = _TWINS[kind]
    cls = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    return cls.from_spec(spec)


def load_weights(model, tensors):
    """Loads ``{name: float32 array}`` strictly: every tensor present, nothing extra, every shape equal."""
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in tensors.items()}
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    extra = [k for k in state if k not in expected]
    if missing or extra:
        raise ValueError(f"tensors do not fit the model: missing {missing}, unexpected {extra}")
    for k, v in expected.items():
        if tuple(state[k].shape) != tuple(v.shape):
            raise ValueError(f"tensor '{k}' has shape {list(state[k].shape)}, the model needs {list(v.shape)}")
    model.load_state_dict(state, strict=True)
    return model


def weights_of(model):
    """The model's tensors as float32 numpy arrays, in ``state_dict`` order (the order the engine writes)."""
    return {k: v.detach().cpu().to(torch.float32).numpy() for k, v in model.state_dict().items()}


def from_checkpoint(ckpt, ema=True):
    """The twin of a loaded checkpoint, holding its EMA weights (or the last step's with ``ema=False``)."""
    model = build(ckpt.model)
    return load_weights(model, ckpt.ema if ema else ckpt.weights)


def _mlp_layers(tensors):
    layers = 0
    while f"layers.{layers}.weight" in tensors:
        layers += 1
    return layers


def engine_order(kind, tensors):
    """The flat vector of a model's tensors in the engine's parameter order (as ``adam.m`` and ``adam.v`` are stored):
    for the MLP kinds each layer's weight transposed to ``[in, out]`` row-major, then its bias, then the class table;
    for the image kinds the tensors as stored, in the checkpoint's order."""
    if kind in ("mlp", "classifier-mlp"):
        parts = []
        for l in range(_mlp_layers(tensors)):
            parts.append(np.asarray(tensors[f"layers.{l}.weight"]).T.reshape(-1))
            parts.append(np.asarray(tensors[f"layers.{l}.bias"]).reshape(-1))
        if "class_embedding.weight" in tensors:
            parts.append(np.asarray(tensors["class_embedding.weight"]).reshape(-1))
        return np.concatenate(parts).astype(np.float32)
    return np.concatenate([np.asarray(v).reshape(-1) for v in tensors.values()]).astype(np.float32)


def from_engine_order(kind, flat, like):
    """The inverse of :func:`engine_order`: named tensors shaped as ``like`` (``{name: array}``) from a flat vector."""
    flat = np.asarray(flat, dtype=np.float32).reshape(-1)
    out, at = {}, 0

    def take(name, shape, transposed=False):
        nonlocal at
        count = int(np.prod(shape))
        if at + count > flat.size:
            raise ValueError(f"a flat vector of {flat.size} values is too short for the model")
        block = flat[at:at + count]
        at += count
        out[name] = block.reshape(shape[::-1]).T.copy() if transposed else block.reshape(shape).copy()

    if kind in ("mlp", "classifier-mlp"):
        for l in range(_mlp_layers(like)):
            take(f"layers.{l}.weight", tuple(like[f"layers.{l}.weight"].shape), transposed=True)
            take(f"layers.{l}.bias", tuple(like[f"layers.{l}.bias"].shape))
        if "class_embedding.weight" in like:
            take("class_embedding.weight", tuple(like["class_embedding.weight"].shape))
        out = {k: out[k] for k in like}
    else:
        for name, v in like.items():
            take(name, tuple(v.shape))
    if at != flat.size:
        raise ValueError(f"a flat vector of {flat.size} values does not fit a model of {at} parameters")
    return out
