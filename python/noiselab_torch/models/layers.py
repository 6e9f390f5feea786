"""The engine's image-model layers (``engine/.../model/layer``) as PyTorch modules.

Parameters keep the engine's in-memory shapes, so a twin's ``state_dict`` is exactly a checkpoint's tensors:

* ``Conv``: ``weight [k, k, in, out]`` (``[ky, kx, cin, cout]``), ``bias [out]``; 3x3 with zero padding 1 or 1x1,
  stride 1. The engine computes ``out[y, x, o] = b[o] + sum_{ky, kx, i} x[y + ky - 1, x + kx - 1, i] W[ky, kx, i, o]``
  (a cross-correlation, like ``torch.nn.functional.conv2d``), so the weight is permuted to ``[out, in, ky, kx]``
  inside ``forward``.
* ``Dense``: ``y = x W + b`` with ``weight [in, out]`` (the transpose of ``torch.nn.Linear``'s).
* ``GroupNorm``: ``weight`` (gamma) and ``bias`` (beta), ``[c]``; per image and group, mean and biased variance over
  the group's channels and all pixels, ``eps = 1e-5``.

The engine keeps activations NHWC; the twins work in PyTorch's NCHW. Only the layout of the intermediate tensors
differs: every value is the same sum of the same products (up to float32 summation order).
"""

import torch
import torch.nn.functional as F
from torch import nn

GROUP_NORM_EPS = 1e-5


def silu(z):
    """``z sigmoid(z)``: the engine's only activation in its image models."""
    return F.silu(z)


class Dense(nn.Module):
    """``y = x W + b`` on rows, ``W`` stored ``[in, out]``."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.addmm(self.bias, x, self.weight)


class Conv(nn.Module):
    """A stride-1 convolution with bias, 3x3 with zero padding 1 or 1x1; ``weight [k, k, in, out]``."""

    def __init__(self, size, n_in, n_out):
        super().__init__()
        if size not in (1, 3):
            raise ValueError(f"kernel size {size}: only 1 and 3 are supported")
        self.size = size
        self.weight = nn.Parameter(torch.zeros(size, size, n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        """``x [n, in, h, w]`` to ``[n, out, h, w]``."""
        return F.conv2d(x, self.weight.permute(3, 2, 0, 1), self.bias, padding=self.size // 2)


class GroupNorm(nn.Module):
    """``y = gamma_c (x - mu_g) / sqrt(var_g + 1e-5) + beta_c`` over each image's groups of ``c / groups`` channels."""

    def __init__(self, channels, groups):
        super().__init__()
        if channels % groups != 0:
            raise ValueError(f"{channels} channels do not split into {groups} groups")
        self.groups = groups
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        return F.group_norm(x, self.groups, self.weight, self.bias, GROUP_NORM_EPS)


class ResBlock(nn.Module):
    """The DDPM residual block: ``h = conv1(silu(GN1(x))) + emb_proj(e)`` (a per-image channel bias),
    ``out = conv2(silu(GN2(h))) + skip(x)``, ``skip`` the identity or a 1x1 convolution when the channel count
    changes; ``e`` is the already SiLU-activated embedding."""

    def __init__(self, n_in, n_out, embedding, groups):
        super().__init__()
        self.norm1 = GroupNorm(n_in, groups)
        self.conv1 = Conv(3, n_in, n_out)
        self.emb_proj = Dense(embedding, n_out)
        self.norm2 = GroupNorm(n_out, groups)
        self.conv2 = Conv(3, n_out, n_out)
        self.skip = Conv(1, n_in, n_out) if n_in != n_out else None

    def forward(self, x, embedding_act):
        h = self.conv1(silu(self.norm1(x))) + self.emb_proj(embedding_act)[:, :, None, None]
        out = self.conv2(silu(self.norm2(h)))
        return out + (x if self.skip is None else self.skip(x))


def average_pool(x):
    """The mean of each 2x2 block (height and width even)."""
    return F.avg_pool2d(x, 2)


def upsample(x):
    """Nearest-neighbour 2x upsampling: each pixel repeated over a 2x2 block."""
    return x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)


def frequencies(count, scale=1.0):
    """``f_k = scale 10000^(-k / (count - 1))``, highest first, rounded to float32 as the engine stores them."""
    k = torch.arange(count, dtype=torch.float64)
    exponent = k / (count - 1) if count > 1 else torch.zeros(count, dtype=torch.float64)
    return (scale * torch.pow(torch.tensor(10_000.0, dtype=torch.float64), -exponent)).to(torch.float32)


def sinusoidal(values, freqs):
    """``[sin(f_k v) for k, cos(f_k v) for k]`` per value, computed in float64 and rounded to float32 (as the engine
    does: float32 frequency times float32 value in double precision)."""
    a = freqs.to(torch.float64)[None, :] * values.to(torch.float64)[:, None]
    return torch.cat([torch.sin(a), torch.cos(a)], dim=1).to(torch.float32)


def class_rows(labels, class_count, n, device=None):
    """Rows of a class table for n images: the labels (``class_count`` is the null class), or all null for None."""
    if labels is None:
        return torch.full((n,), class_count, dtype=torch.long, device=device)
    labels = torch.as_tensor(labels, device=device).to(torch.long).reshape(-1)
    if labels.numel() != n:
        raise ValueError(f"{labels.numel()} labels for {n} images")
    if bool(((labels < 0) | (labels > class_count)).any()):
        raise ValueError(f"class outside 0..{class_count} ({class_count} is the null class)")
    return labels


def as_images(x, channels, height, width):
    """``x`` as ``[n, c, h, w]``: a batch of the engine's flat channel-major images (``[n, c h w]``) is reshaped;
    returns the images and whether they came flat."""
    if x.dim() == 2:
        if x.shape[1] != channels * height * width:
            raise ValueError(f"rows of {x.shape[1]} values; the model takes {channels}x{height}x{width} images")
        return x.reshape(x.shape[0], channels, height, width), True
    if tuple(x.shape[1:]) != (channels, height, width):
        raise ValueError(f"images of shape {list(x.shape[1:])}; the model takes {[channels, height, width]}")
    return x, False
