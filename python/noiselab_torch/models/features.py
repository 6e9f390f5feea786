"""The fixed sinusoidal features and the hidden non-linearities of the engine's dense (MLP) networks.

Features of a value ``v`` with ``F`` frequencies ``f_k = scale * 10000^(-k/(F-1))`` (highest first; ``f_0 = scale``
when ``F == 1``) are ``[sin(f_0 v) .. sin(f_{F-1} v), cos(f_0 v) .. cos(f_{F-1} v)]``, the transformer position
encoding as tiny-diffusion uses it for inputs and time. A point ``x`` in ``d`` dimensions gives
``[x_1 .. x_d, features(x_1), .., features(x_d)]``; a denoiser appends ``features(log_snr)`` with its own scale.
"""

import math

import numpy as np
import torch

ACTIVATIONS = ("relu", "silu", "gelu", "tanh")

_GELU_C = math.sqrt(2 / math.pi)
_GELU_A = 0.044715


def frequencies(count, scale):
    """``f_k = scale * 10000^(-k / (count - 1))`` for ``k = 0..count-1``, in double precision then rounded to float32."""
    k = np.arange(count, dtype=np.float64)
    exponent = k / (count - 1) if count > 1 else np.zeros(count)
    return torch.from_numpy((float(scale) * np.power(10000.0, -exponent)).astype(np.float32))


def sinusoidal(v, freqs):
    """Features of each entry of ``v [n, d]``: ``[n, d * 2F]``, per entry its ``F`` sines then its ``F`` cosines.

    The argument ``f_k v`` is one float32 product, as in the engine.
    """
    n, d = v.shape
    arg = v.unsqueeze(-1) * freqs.to(v.dtype)
    return torch.cat([torch.sin(arg), torch.cos(arg)], dim=-1).reshape(n, d * 2 * freqs.numel())


def activation(name):
    """The element-wise function of an activation name (the manifest's lower-case spelling).

    * ``relu``: ``max(z, 0)`` (gradient 0 at ``z = 0``, as the engine's);
    * ``silu``: ``z sigmoid(z)``;
    * ``gelu``: the tanh approximation ``z/2 (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3)))``;
    * ``tanh``.
    """
    if name == "relu":
        return torch.relu
    if name == "silu":
        return lambda z: z * torch.sigmoid(z)
    if name == "gelu":
        return lambda z: 0.5 * z * (1 + torch.tanh(_GELU_C * (z + _GELU_A * z * z * z)))
    if name == "tanh":
        return torch.tanh
    raise ValueError(f"activation '{name}' is not one of {', '.join(ACTIVATIONS)}")


def check_int(spec, field, lo, hi):
    """``spec[field]`` as an int within ``lo..hi`` (the engine's bounds), or a ValueError naming the field."""
    v = spec.get(field)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise ValueError(f"model.{field} = {v!r} must be an integer in {lo}..{hi}")
    return v


def check_scale(spec, field):
    """``spec[field]`` as a positive float below 1e6, or a ValueError naming the field."""
    v = spec.get(field)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1e6:
        raise ValueError(f"model.{field} = {v!r} must be a positive number below 1e6")
    return float(v)
