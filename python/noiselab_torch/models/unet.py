"""Twin of the engine's ``UNetDenoiser`` (spec ``UNetSpec``, manifest kind ``"unet"``).

For ``L`` levels, ``C_0 = base`` channels at full resolution and ``C_l = 2 base`` below, embedding width
``E = 4 base`` and ``G = 8`` groups in every group norm::

    e   = silu(time_embed.2(silu(time_embed.0([sin(f_k lambda)]_k, [cos(f_k lambda)]_k))) [+ class_embedding[c]])
    h   = conv_in(x)
    down, l = 0..L-1:   s_l = down.l(h, e);  h = avgpool2x2(s_l) if l < L-1 else s_l
    h   = mid(h, e)
    up, l = L-1..0:     h = up.l(concat_channels(h, s_l), e);  h = upsample2x(h) if l > 0
    eps = conv_out(silu(norm_out(h)))

with ``f_k = 10000^(-k/15)``, ``k = 0..15``, ``lambda`` the log-SNR, and the class row ``c`` one of ``0..classes-1``
or ``classes`` (the null class, also used when no labels are given). A model without classes has no table and
ignores labels.

Images are the engine's data points: flat channel-major rows (``(c, y, x)`` row-major), so ``x.reshape(n, c, h, w)``
is exactly the engine's batch; ``forward`` accepts either shape and answers in the shape it was given.
"""

import torch
from torch import nn

from .layers import (Conv, Dense, GroupNorm, ResBlock, as_images, average_pool, class_rows, frequencies, silu,
                     sinusoidal, upsample)

GROUPS = 8
NOISE_FREQUENCIES = 16


class UNetDenoiser(nn.Module):
    """The epsilon-prediction U-Net; parameters named and shaped as the engine's ``ParameterLayout`` (and in its
    registration order, so ``state_dict`` lists them in the order the engine writes them)."""

    def __init__(self, channels, height, width, base_channels, levels, class_count=0):
        super().__init__()
        factor = 1 << (levels - 1)
        if height % factor or width % factor:
            raise ValueError(f"a {height}x{width} image cannot be halved {levels - 1} times")
        if base_channels % GROUPS:
            raise ValueError(f"baseChannels {base_channels} must be a multiple of {GROUPS}")
        self.channels, self.height, self.width = channels, height, width
        self.base_channels, self.levels, self.class_count = base_channels, levels, class_count
        self.embedding = 4 * base_channels
        self.register_buffer("freqs", frequencies(NOISE_FREQUENCIES), persistent=False)
        self.time_embed = nn.ModuleDict({"0": Dense(2 * NOISE_FREQUENCIES, self.embedding),
                                         "2": Dense(self.embedding, self.embedding)})
        self.class_embedding = nn.Embedding(class_count + 1, self.embedding) if class_count > 0 else None
        self.conv_in = Conv(3, channels, self.channels_at(0))
        self.down = nn.ModuleDict()
        c = self.channels_at(0)
        for level in range(levels):
            self.down[str(level)] = ResBlock(c, self.channels_at(level), self.embedding, GROUPS)
            c = self.channels_at(level)
        self.mid = ResBlock(c, c, self.embedding, GROUPS)
        self.up = nn.ModuleDict()
        for level in reversed(range(levels)):
            self.up[str(level)] = ResBlock(self.below(level) + self.channels_at(level), self.channels_at(level),
                                           self.embedding, GROUPS)
        self.norm_out = GroupNorm(self.channels_at(0), GROUPS)
        self.conv_out = Conv(3, self.channels_at(0), channels)

    @classmethod
    def from_spec(cls, spec):
        """From a manifest's ``model`` section (``kind: "unet"``)."""
        if spec.get("kind") != "unet":
            raise ValueError(f"not a U-Net spec: {spec.get('kind')}")
        return cls(spec["channels"], spec["height"], spec["width"], spec["baseChannels"], spec["levels"],
                   spec.get("classCount", 0))

    def channels_at(self, level):
        return self.base_channels if level == 0 else 2 * self.base_channels

    def below(self, level):
        """Channels arriving from below at up-level ``level``: the middle block's or up-level ``level + 1``'s."""
        return self.channels_at(self.levels - 1) if level == self.levels - 1 else self.channels_at(level + 1)

    @property
    def dim(self):
        return self.channels * self.height * self.width

    def embed(self, log_snr, labels=None):
        """The SiLU-activated noise-level (and class) embedding ``[n, 4 base]``."""
        log_snr = torch.as_tensor(log_snr, dtype=torch.float32).reshape(-1)
        features = sinusoidal(log_snr, self.freqs)
        e = self.time_embed["2"](silu(self.time_embed["0"](features)))
        if self.class_embedding is not None:
            e = e + self.class_embedding(class_rows(labels, self.class_count, e.shape[0], e.device))
        return silu(e)

    def forward(self, x, log_snr, labels=None):
        """``eps_hat`` for images ``x`` (``[n, c, h, w]`` or the engine's flat ``[n, c h w]``), log-SNRs ``[n]`` and
        labels ``[n]`` (ints; ``classCount`` is the null class) or None."""
        images, flat = as_images(x, self.channels, self.height, self.width)
        e = self.embed(log_snr, labels)
        if e.shape[0] != images.shape[0]:
            raise ValueError(f"{e.shape[0]} log-SNRs for {images.shape[0]} images")
        h = self.conv_in(images)
        skips = []
        for level in range(self.levels):
            h = self.down[str(level)](h, e)
            skips.append(h)
            if level < self.levels - 1:
                h = average_pool(h)
        h = self.mid(h, e)
        for level in reversed(range(self.levels)):
            h = self.up[str(level)](torch.cat([h, skips[level]], dim=1), e)
            if level > 0:
                h = upsample(h)
        out = self.conv_out(silu(self.norm_out(h)))
        return out.reshape(out.shape[0], -1) if flat else out
