"""The twin side of the engine's parity tests: ``python3 -m noiselab_torch.parity DIR``.

``DIR/request.json`` lists cases ``{"name": ..., "op": "module.function", ...}``; each op is a function
``noiselab_torch.parity_ops.<module>.<function>(case, directory)`` returning ``{name: array}``, written to
``DIR/<name>.out.safetensors`` for the engine's test to compare with its own values. Inputs travel the same way, as
safetensors files and checkpoints the test wrote into DIR. Any failure prints its traceback and exits 1.
"""

import importlib
import json
import os
import sys
import time

import numpy as np
import torch

from . import safetensors_io


def run_case(case, directory):
    module, function = case["op"].rsplit(".", 1)
    op = getattr(importlib.import_module(f"noiselab_torch.parity_ops.{module}"), function)
    outputs = op(case, directory)
    arrays = {k: (v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)).astype(np.float32)
              for k, v in outputs.items()}
    with open(os.path.join(directory, case["name"] + ".out.safetensors"), "wb") as f:
        f.write(safetensors_io.write(arrays))


def main(argv):
    if len(argv) != 1:
        print("usage: python3 -m noiselab_torch.parity DIR", file=sys.stderr)
        return 2
    directory = argv[0]
    torch.set_num_threads(1)
    with open(os.path.join(directory, "request.json"), encoding="utf-8") as f:
        request = json.load(f)
    for case in request["cases"]:
        started = time.monotonic()
        run_case(case, directory)
        print(f"parity: {case['name']} ({case['op']}) {1000 * (time.monotonic() - started):.0f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
