"""Twin of the engine's toy noise-level classifier (``MlpClassifier`` of a ``ClassifierSpec``, kind ``classifier-mlp``).

The classifier of a classification diffusion model (CDM) sees only the point: ``u = [x, sin/cos(f x_j)]``, hidden
layers as in the denoiser (``z_0`` gets the class vector), a read-out ``r = h W_L^T + b_L`` of one raw value per
noise level ``t = 0..T+1``, and the logits are its fixed cumulative sum ``f_t = r_0 + .. + r_t``.

The level gap ``F(x, tau) = f_{T+1} - ((1 - w) f_s + w f_{s+1})`` with ``s = min(floor(tau), T)``, ``w = tau - s``
interpolates linearly between integer levels; the engine's denoiser is ``grad_x F`` (Theorem 3.1 of the CDM paper),
here by autograd (``create_graph=True`` keeps it differentiable, which the CDM loss needs).

Parameters: ``layers.{l}.weight [out, in]``, ``layers.{l}.bias [out]`` (``layers.{depth}`` the raw read-out, before
the cumulative sum) and ``class_embedding.weight [C + 1, width]`` for a conditional classifier.
"""

import torch
from torch import nn

from . import features


class MlpClassifier(nn.Module):
    """The ``classifier-mlp`` model kind."""

    def __init__(self, dim, levels, width=128, depth=3, activation="silu", input_frequencies=32, input_scale=16.0,
                 class_count=0):
        super().__init__()
        if activation == "relu":
            raise ValueError("a classification diffusion model needs a smooth activation (its denoiser is an input "
                             "gradient); relu is not")
        self.dim = dim
        self.levels = levels
        self.width = width
        self.depth = depth
        self.activation_name = activation
        self.act = features.activation(activation)
        self.class_count = class_count
        self.register_buffer("input_freqs", features.frequencies(input_frequencies, input_scale), persistent=False)
        self.feature_count = dim + 2 * input_frequencies * dim
        sizes = [self.feature_count] + [width] * depth + [levels]
        self.layers = nn.ModuleList(nn.Linear(sizes[l], sizes[l + 1]) for l in range(depth + 1))
        if class_count > 0:
            self.class_embedding = nn.Embedding(class_count + 1, width)
            bound = 1 / self.feature_count ** 0.5
            nn.init.uniform_(self.class_embedding.weight, -bound, bound)

    @classmethod
    def from_spec(cls, spec):
        """The twin of a manifest's ``model`` section (kind ``classifier-mlp``), checked against the engine's bounds."""
        if spec.get("kind") != "classifier-mlp":
            raise ValueError(f"model.kind '{spec.get('kind')}' is not 'classifier-mlp'")
        activation = spec.get("activation")
        if activation not in features.ACTIVATIONS:
            raise ValueError(f"model.activation '{activation}' is not one of {', '.join(features.ACTIVATIONS)}")
        return cls(dim=features.check_int(spec, "dim", 1, 64),
                   levels=features.check_int(spec, "levels", 3, 100_002),
                   width=features.check_int(spec, "width", 1, 4096),
                   depth=features.check_int(spec, "depth", 1, 32),
                   activation=activation,
                   input_frequencies=features.check_int(spec, "inputFrequencies", 0, 512),
                   input_scale=features.check_scale(spec, "inputScale"),
                   class_count=features.check_int(spec, "classCount", 0, 10_000))

    @property
    def steps(self):
        """The number of diffusion steps ``T`` (levels minus the clean and the pure-noise class)."""
        return self.levels - 2

    def input_features(self, x):
        """``u [n, featureCount]``: the raw coordinates and their sinusoidal features (no noise level)."""
        return torch.cat([x, features.sinusoidal(x, self.input_freqs)], dim=1)

    def class_vectors(self, labels, n):
        """Each row's class vector ``[n, width]``; ``labels=None`` is the null class (the table's last row)."""
        device = self.class_embedding.weight.device
        if labels is None:
            labels = torch.full((n,), self.class_count, dtype=torch.long, device=device)
        labels = torch.as_tensor(labels, dtype=torch.long, device=device)
        if labels.shape != (n,):
            raise ValueError(f"need one label per row: {n} rows, labels of shape {list(labels.shape)}")
        if n and (int(labels.min()) < 0 or int(labels.max()) > self.class_count):
            raise ValueError(f"labels must lie in 0..{self.class_count} (the last is the null class)")
        return self.class_embedding(labels)

    def readout(self, x, labels=None):
        """The raw per-level values ``r [n, levels]`` (the logits' increments)."""
        if x.dim() != 2 or x.shape[1] != self.dim:
            raise ValueError(f"x must be [n, {self.dim}], got {list(x.shape)}")
        z = self.layers[0](self.input_features(x))
        if self.class_count > 0:
            z = z + self.class_vectors(labels, x.shape[0])
        h = self.act(z)
        for layer in self.layers[1:-1]:
            h = self.act(layer(h))
        return self.layers[-1](h)

    def logits(self, x, labels=None):
        """``f(x) [n, levels]``, equal to ``log p(t | x)`` up to a per-row constant: the cumulative sum of the read-out."""
        return torch.cumsum(self.readout(x, labels), dim=1)

    def forward(self, x, labels=None):
        """The logits (see :meth:`logits`)."""
        return self.logits(x, labels)

    def level_gap(self, x, level, labels=None):
        """``F(x, tau) = f_{T+1}(x) - f_tau(x)`` per row, ``f_tau`` linear between integer levels; ``level [n]`` in
        ``[0, T+1]`` (float; integers give the plain gap)."""
        level = torch.as_tensor(level, dtype=x.dtype, device=x.device).reshape(-1)
        if level.numel() != x.shape[0]:
            raise ValueError(f"need one level per row: {x.shape[0]} rows, {level.numel()} levels")
        if level.numel() and not bool(((level >= 0) & (level <= self.levels - 1)).all()):
            raise ValueError(f"levels must lie in 0..{self.levels - 1}")
        f = self.logits(x, labels)
        lower = torch.clamp(torch.floor(level), max=self.levels - 2)
        w = (level - lower).unsqueeze(1)
        s = lower.long().unsqueeze(1)
        at = (1 - w) * f.gather(1, s) + w * f.gather(1, s + 1)
        return f[:, -1] - at.squeeze(1)

    def level_gap_gradient(self, x, level, labels=None, create_graph=False):
        """``grad_x F(x, tau) [n, dim]``: rows are independent, so the gradient of the summed gap is per row.

        With ``create_graph=True`` the result can itself be differentiated (double back-propagation).
        """
        x = x if x.requires_grad else x.detach().requires_grad_(True)
        with torch.enable_grad():
            gap = self.level_gap(x, level, labels)
            (g,) = torch.autograd.grad(gap.sum(), x, create_graph=create_graph)
        return g
