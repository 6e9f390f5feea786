"""Checkpoint interchange: the twin reads what the engine wrote and writes what the engine must read."""

import json
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
    """Tries to load each of ``case['files']``; returns 1 per file refused with a CheckpointFormatError, else 0.

    With ``case['report']``, also writes that JSON file in ``directory``: for each file, ``{"file", "refused",
    "message"}``, the message being the refusal's (empty when the file loaded). Any other exception is a bug of the
    reader: that file gets 2 and ``"refused": null``, with the exception as its message.
    """
    refused = []
    report = []
    for name in case["files"]:
        try:
            checkpoint.load(os.path.join(directory, name))
            refused.append(0.0)
            report.append({"file": name, "refused": False, "message": ""})
        except checkpoint.CheckpointFormatError as e:
            refused.append(1.0)
            report.append({"file": name, "refused": True, "message": str(e)})
        except Exception as e:  # noqa: BLE001 - reported, so one bug does not hide the other files' answers
            refused.append(2.0)
            report.append({"file": name, "refused": None, "message": f"ESCAPED {type(e).__name__}: {e}"})
    if case.get("report"):
        with open(os.path.join(directory, case["report"]), "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return {"refused": np.array(refused, dtype=np.float32)}
