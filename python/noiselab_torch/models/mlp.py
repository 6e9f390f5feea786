"""Twin of the engine's toy epsilon-prediction network (``MlpDenoiser`` of an ``MlpSpec``, model kind ``mlp``).

Forward, for rows ``x [n, d]`` at log-SNR ``lambda [n]``::

    u    = [x, sin/cos(f x_j) for each j, sin/cos(g lambda)]      f: inputScale, g: noiseScale (see features.py)
    z_0  = u W_0^T + b_0 + E[c]                                     E: class table, row C the null class
    h_l  = act(z_l),  z_l = h_{l-1} W_l^T + b_l                     l = 1..depth-1
    eps  = h_{depth-1} W_depth^T + b_depth

Parameters are named and shaped as in the checkpoint's safetensors: ``layers.{l}.weight [out, in]`` (torch Linear's
layout), ``layers.{l}.bias [out]`` and, for a conditional model, ``class_embedding.weight [C + 1, width]``.
"""

import torch
from torch import nn

from . import features


class MlpDenoiser(nn.Module):
    """The ``mlp`` model kind: sinusoidal features, ``depth`` hidden layers of ``width`` units, a linear read-out."""

    def __init__(self, dim, width=128, depth=3, activation="silu", input_frequencies=32, input_scale=16.0,
                 noise_frequencies=32, noise_scale=1.0, class_count=0):
        super().__init__()
        self.dim = dim
        self.width = width
        self.depth = depth
        self.activation_name = activation
        self.act = features.activation(activation)
        self.class_count = class_count
        # fixed frequencies: buffers outside the state_dict, so the state_dict holds exactly the checkpoint's tensors
        self.register_buffer("input_freqs", features.frequencies(input_frequencies, input_scale), persistent=False)
        self.register_buffer("noise_freqs", features.frequencies(noise_frequencies, noise_scale), persistent=False)
        self.feature_count = dim + 2 * input_frequencies * dim + 2 * noise_frequencies
        sizes = [self.feature_count] + [width] * depth + [dim]
        self.layers = nn.ModuleList(nn.Linear(sizes[l], sizes[l + 1]) for l in range(depth + 1))
        if class_count > 0:
            self.class_embedding = nn.Embedding(class_count + 1, width)
            bound = 1 / self.feature_count ** 0.5  # the engine initialises the table with the first layer's bound
            nn.init.uniform_(self.class_embedding.weight, -bound, bound)

    @classmethod
    def from_spec(cls, spec):
        """The twin of a manifest's ``model`` section (kind ``mlp``), checked against the engine's bounds."""
        if spec.get("kind") != "mlp":
            raise ValueError(f"model.kind '{spec.get('kind')}' is not 'mlp'")
        activation = spec.get("activation")
        if activation not in features.ACTIVATIONS:
            raise ValueError(f"model.activation '{activation}' is not one of {', '.join(features.ACTIVATIONS)}")
        return cls(dim=features.check_int(spec, "dim", 1, 64),
                   width=features.check_int(spec, "width", 1, 4096),
                   depth=features.check_int(spec, "depth", 1, 32),
                   activation=activation,
                   input_frequencies=features.check_int(spec, "inputFrequencies", 0, 512),
                   input_scale=features.check_scale(spec, "inputScale"),
                   noise_frequencies=features.check_int(spec, "noiseFrequencies", 1, 512),
                   noise_scale=features.check_scale(spec, "noiseScale"),
                   class_count=features.check_int(spec, "classCount", 0, 10_000))

    def input_features(self, x, log_snr):
        """``u [n, featureCount]``: the raw coordinates, their sinusoidal features, then the log-SNR's."""
        return torch.cat([x, features.sinusoidal(x, self.input_freqs),
                          features.sinusoidal(log_snr.reshape(-1, 1).to(x.dtype), self.noise_freqs)], dim=1)

    def class_vectors(self, labels, n):
        """Each row's class vector ``[n, width]``; ``labels=None`` is the null class (the table's last row)."""
        if labels is None:
            labels = torch.full((n,), self.class_count, dtype=torch.long, device=self.class_embedding.weight.device)
        labels = torch.as_tensor(labels, dtype=torch.long, device=self.class_embedding.weight.device)
        if labels.shape != (n,):
            raise ValueError(f"need one label per row: {n} rows, labels of shape {list(labels.shape)}")
        if n and (int(labels.min()) < 0 or int(labels.max()) > self.class_count):
            raise ValueError(f"labels must lie in 0..{self.class_count} (the last is the null class)")
        return self.class_embedding(labels)

    def forward(self, x, log_snr, labels=None):
        """Predicted noise ``eps [n, dim]`` of rows ``x [n, dim]`` at log-SNR ``log_snr [n]``.

        ``labels [n]`` (long, ``class_count`` meaning no class) or ``None`` (every row the null class); an
        unconditional model ignores them, as the engine does.
        """
        if x.dim() != 2 or x.shape[1] != self.dim:
            raise ValueError(f"x must be [n, {self.dim}], got {list(x.shape)}")
        n = x.shape[0]
        if log_snr.numel() != n:
            raise ValueError(f"need one log-SNR per row: {n} rows, {log_snr.numel()} values")
        z = self.layers[0](self.input_features(x, log_snr))
        if self.class_count > 0:
            z = z + self.class_vectors(labels, n)
        h = self.act(z)
        for layer in self.layers[1:-1]:
            h = self.act(layer(h))
        return self.layers[-1](h)
