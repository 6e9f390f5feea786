"""The lab's toy distributions: exact Gaussian mixtures with diagonal covariances, one class per component."""

import functools
import json
import os

import numpy as np
import torch

_CATALOGUE = os.path.join(os.path.dirname(__file__), "toys.json")


@functools.lru_cache(maxsize=1)
def _catalogue():
    with open(_CATALOGUE, encoding="utf-8") as f:
        return {d["name"]: d for d in json.load(f)["datasets"]}


def toy_names():
    """Every toy's name, in the catalogue's order."""
    return list(_catalogue())


class ToyData:
    """Fresh draws from a toy's mixture ``sum_k w_k N(mu_k, diag(s_k^2))`` at every step (an infinite training set)."""

    def __init__(self, name):
        if name not in _catalogue():
            raise ValueError(f"--dataset: '{name}' is not a toy ({', '.join(toy_names())})")
        d = _catalogue()[name]
        self.name = name
        self.description = d["description"]
        self.dim = d["dim"]
        self.class_count = d["classes"]
        self.class_names = d["classNames"]
        self.view_bounds = d["viewBounds"]
        self.weights = torch.tensor(d["weights"], dtype=torch.float64)
        self.means = torch.tensor(d["means"], dtype=torch.float64)
        self.variances_by_component = torch.tensor(d["variances"], dtype=torch.float64)
        self.component_classes = torch.tensor(d["componentClasses"], dtype=torch.long)

    def variances(self):
        """The mixture's variance per coordinate, exact (law of total variance)."""
        w = self.weights[:, None]
        mean = (w * self.means).sum(0)
        second = (w * (self.variances_by_component + self.means ** 2)).sum(0)
        return (second - mean ** 2).numpy()

    def sample(self, n, generator=None, device="cpu"):
        """``n`` points (float32 ``[n, dim]``) and their classes (``[n]``; all 0 for an unlabelled toy)."""
        k = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        z = torch.randn(n, self.dim, generator=generator, dtype=torch.float64)
        x = self.means[k] + z * self.variances_by_component[k].sqrt()
        return x.to(torch.float32).to(device), self.component_classes[k].to(device)
