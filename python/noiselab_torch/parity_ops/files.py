"""Checkpoint interchange: the twin reads what the engine wrote and writes what the engine must read."""

import os

import numpy as np

from .. import checkpoint, models


def resave(case, directory):
    """Loads ``case['checkpoint']`` and saves it again as ``case['out']``; returns every weight it read."""
    k = checkpoint.load(os.path.join(directory, case["checkpoint"]))
    manifest = dict(k.manifest)
    manifest["engineVersion"] = "noiselab_torch"
    checkpoint.save(os.path.join(directory, case["out"]), manifest, k.weights, k.ema, k.training)
    out = {"weights." + name: v for name, v in k.weights.items()}
    out["engine_order"] = models.engine_order(k.model["kind"], k.weights)
    return out


def refuse(case, directory):
    """Tries to load each of ``case['files']``; returns 1 per file refused with a CheckpointFormatError."""
    refused = []
    for name in case["files"]:
        try:
            checkpoint.load(os.path.join(directory, name))
            refused.append(0.0)
        except checkpoint.CheckpointFormatError:
            refused.append(1.0)
    return {"refused": np.array(refused, dtype=np.float32)}
