"""PyTorch twins of the Noise Lab engine's models, objectives and samplers.

The twins hold the same tensors, under the same names, shapes and layouts, as the safetensors entries of the lab's
``.nlab`` checkpoints, so a model trained by either side opens in the other (``checkpoint.load`` / ``checkpoint.save``).
Requires PyTorch >= 1.13 and numpy, nothing else.
"""

__version__ = "0.1.0"
