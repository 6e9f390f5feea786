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
