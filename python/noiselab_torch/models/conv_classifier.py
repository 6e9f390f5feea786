"""Twin of the engine's ``ConvNoiseClassifier`` (spec ``ConvClassifierSpec``, manifest kind ``"classifier-unet"``).

The U-Net's encoder without a noise-level input, then the CDM head (``R`` resolutions, ``C_0 = base``, ``C_r =
2 base`` below, ``E = 4 base``, 8 groups)::

    e   = silu(class_embedding[c])                  c in 0..classes, classes = the null class (always present)
    h   = conv_in(x)
    r = 0..R-1:   h = down.r(h, e);  h = avgpool2x2(h) if r < R-1
    h   = mid(h, e)
    raw = head.readout(mean_pixels(head.conv(silu(head.norm(h)))))     head.conv: C -> 2C, 3x3
    f_t = sum_{s <= t} raw_s                        t = 0..T+1 (``levels`` = T + 2): the logits

The level gap ``F(x, t) = f_{T+1} - f_t = sum_{s > t} raw_s`` is interpolated linearly between integer levels:
``F(x, tau) = (1 - a) F(x, t0) + a F(x, t0 + 1)``, ``t0 = floor(tau)``, ``a = tau - t0``; its input gradient
``grad_x F`` is what the engine's ``levelGapGradient`` returns (E[eps | x_t] = sqrt(1 - abar_t) (grad_x F + x)).

Images are flat channel-major rows, as for ``UNetDenoiser``; every method takes ``[n, c, h, w]`` or ``[n, c h w]``.
"""

import torch
from torch import nn

from .layers import Conv, Dense, GroupNorm, ResBlock, as_images, average_pool, class_rows, silu

GROUPS = 8


class ConvNoiseClassifier(nn.Module):
    """The convolutional noise-level classifier; parameters named, shaped and ordered as the engine's layout."""

    def __init__(self, channels, height, width, base_channels, resolutions, levels, class_count=0):
        super().__init__()
        factor = 1 << (resolutions - 1)
        if height % factor or width % factor:
            raise ValueError(f"a {height}x{width} image cannot be halved {resolutions - 1} times")
        if base_channels % GROUPS:
            raise ValueError(f"baseChannels {base_channels} must be a multiple of {GROUPS}")
        self.channels, self.height, self.width = channels, height, width
        self.base_channels, self.resolutions = base_channels, resolutions
        self.levels, self.class_count = levels, class_count
        self.embedding = 4 * base_channels
        self.class_embedding = nn.Embedding(class_count + 1, self.embedding)
        self.conv_in = Conv(3, channels, self.channels_at(0))
        self.down = nn.ModuleDict()
        c = self.channels_at(0)
        for r in range(resolutions):
            self.down[str(r)] = ResBlock(c, self.channels_at(r), self.embedding, GROUPS)
            c = self.channels_at(r)
        self.mid = ResBlock(c, c, self.embedding, GROUPS)
        self.head = nn.ModuleDict({"norm": GroupNorm(c, GROUPS), "conv": Conv(3, c, 2 * c),
                                   "readout": Dense(2 * c, levels)})

    @classmethod
    def from_spec(cls, spec):
        """From a manifest's ``model`` section (``kind: "classifier-unet"``)."""
        if spec.get("kind") != "classifier-unet":
            raise ValueError(f"not a convolutional classifier spec: {spec.get('kind')}")
        return cls(spec["channels"], spec["height"], spec["width"], spec["baseChannels"], spec["resolutions"],
                   spec["levels"], spec.get("classCount", 0))

    def channels_at(self, r):
        return self.base_channels if r == 0 else 2 * self.base_channels

    @property
    def dim(self):
        return self.channels * self.height * self.width

    def raw(self, x, labels=None):
        """The read-out's raw per-level values ``[n, levels]`` (before the fixed cumulative sum)."""
        images, _ = as_images(x, self.channels, self.height, self.width)
        e = silu(self.class_embedding(class_rows(labels, self.class_count, images.shape[0], images.device)))
        h = self.conv_in(images)
        for r in range(self.resolutions):
            h = self.down[str(r)](h, e)
            if r < self.resolutions - 1:
                h = average_pool(h)
        h = self.mid(h, e)
        h = self.head["conv"](silu(self.head["norm"](h)))
        return self.head["readout"](h.mean(dim=(2, 3)))

    def forward(self, x, labels=None):
        """The logits ``f(x) [n, levels]``, ``f_t = sum_{s <= t} raw_s`` (summed in float64, as the engine does)."""
        return logits_of(self.raw(x, labels))

    def logits(self, x, labels=None):
        """The logits over noise levels (``forward``), under the name the MLP classifier's twin uses."""
        return self.forward(x, labels)

    def level_gap(self, x, level, labels=None):
        """``F(x, tau) [n]`` at one fractional level ``tau in [0, levels - 1]`` per row."""
        return level_gap_of(self.raw(x, labels), level)

    def level_gap_gradient(self, x, level, labels=None, create_graph=False):
        """``grad_x F(x, tau)``, shaped as ``x``; with ``create_graph`` it can be differentiated again (the CDM
        loss's parameter gradient is this input gradient's)."""
        x = x.detach().requires_grad_(True) if not x.requires_grad else x
        gap = self.level_gap(x, level, labels)
        (grad,) = torch.autograd.grad(gap.sum(), x, create_graph=create_graph)
        return grad


def logits_of(raw):
    """``f_t = sum_{s <= t} raw_s`` per row, accumulated in float64 and rounded to float32."""
    return torch.cumsum(raw.to(torch.float64), dim=-1).to(raw.dtype)


def gap_weights(level, levels, dtype=torch.float32):
    """``w [n, levels]`` with ``F(x, tau) = sum_s w_s raw_s``: ``w_s = (1 - a) [s > t0] + a [s > t0 + 1]``."""
    tau = torch.as_tensor(level, dtype=torch.float64).reshape(-1)
    if bool(((tau < 0) | (tau > levels - 1) | torch.isnan(tau)).any()):
        raise ValueError(f"level outside 0..{levels - 1}")
    t0 = torch.floor(tau)
    alpha = (tau - t0)[:, None]
    s = torch.arange(levels, dtype=torch.float64)[None, :]
    w = (1 - alpha) * (s > t0[:, None]) + alpha * (s > t0[:, None] + 1)
    return w.to(dtype)


def level_gap_of(raw, level):
    """``F(x, tau)`` from the raw values ``[n, levels]``."""
    return (raw * gap_weights(level, raw.shape[-1], raw.dtype).to(raw.device)).sum(dim=-1)
