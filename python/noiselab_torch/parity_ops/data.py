"""Training data: the twin reads the same pixels and reports the same variances as the engine."""

import os

import numpy as np

from .. import data


def dataset(case, directory):
    """Pixels (or a toy's exact variances) of ``case['dataset']`` read from ``case.get('data')``."""
    path = case.get("data")
    d = data.open_dataset(case["dataset"], None if path is None else os.path.join(directory, path),
                          case.get("channels", 1))
    out = {"variances": np.asarray(d.variances(), dtype=np.float32)}
    if isinstance(d, data.ImageData):
        out["pixels"] = d.pixels.numpy()
        out["shape"] = np.array([d.count, d.channels, d.height, d.width], dtype=np.float32)
        if d.labels is not None:
            out["labels"] = d.labels.numpy().astype(np.float32)
    return out
