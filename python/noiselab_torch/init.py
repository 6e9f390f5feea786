"""Fresh parameters drawn from the engine's initial distributions (not its random numbers: Java's generator).

* MLP kinds (``mlp``, ``classifier-mlp``), as PyTorch's Linear: every weight and bias of layer ``l`` uniform in
  ``+-1/sqrt(in_l)``, the class table with the first layer's bound.
* Image kinds (``unet``, ``classifier-unet``): fan-in uniform ``+-gain sqrt(3 / fan_in)`` for convolutions
  (``fan_in = kh kw in``), dense layers (``fan_in = in``) and the class table (``fan_in = 1``), gain 0 for each
  residual block's second convolution and the U-Net's output convolution (a fresh block is the identity, a fresh
  U-Net predicts 0), gain 0.1 for the classifier's read-out; biases 0; group-norm scales 1 and shifts 0.
"""

import math

import torch


def _uniform(shape, bound, generator):
    return (torch.rand(shape, generator=generator, dtype=torch.float64) * 2 - 1) * bound


def _mlp(name, shape, state, generator):
    if name == "class_embedding.weight":
        fan_in = state["layers.0.weight"].shape[1]
    else:
        fan_in = state[name.rsplit(".", 1)[0] + ".weight"].shape[1]
    return _uniform(shape, 1 / math.sqrt(fan_in), generator)


def _image(name, shape, generator):
    base = name.rsplit(".", 1)[0]
    leaf = base.rsplit(".", 1)[-1]
    if name.endswith(".bias"):
        return torch.zeros(shape, dtype=torch.float64)
    if len(shape) == 1:  # group-norm scale
        return torch.ones(shape, dtype=torch.float64)
    if name == "class_embedding.weight":
        fan_in = 1
    elif len(shape) == 4:
        fan_in = shape[0] * shape[1] * shape[2]
    else:
        fan_in = shape[0]
    gain = 0.0 if leaf == "conv2" or base == "conv_out" else 0.1 if base == "head.readout" else 1.0
    return _uniform(shape, gain * math.sqrt(3.0 / fan_in), generator)


@torch.no_grad()
def initialise(model, kind, generator=None):
    """Draws every parameter of a twin of model ``kind`` afresh, in place; returns the model."""
    state = model.state_dict()
    for name, tensor in state.items():
        if kind in ("mlp", "classifier-mlp"):
            value = _mlp(name, tuple(tensor.shape), state, generator)
        elif kind in ("unet", "classifier-unet"):
            value = _image(name, tuple(tensor.shape), generator)
        else:
            raise ValueError(f"no initialisation for model kind '{kind}'")
        tensor.copy_(value.to(tensor.dtype))
    return model
