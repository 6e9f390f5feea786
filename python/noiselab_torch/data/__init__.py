"""Training data for the twins: the lab's toy distributions and the image datasets the engine reads.

``open_dataset(name, data=None, channels=1)`` accepts what the engine's ``--dataset``/``--data`` accept: a toy name
(``toys.json``, the engine's catalogue copied by a test that fails when they drift), ``mnist`` (IDX files, or the
shipped 1000 test images when ``data`` is None), ``cifar10`` (the binary batches) or ``png`` (a folder of PNGs, one
subfolder per class). Every dataset draws batches with ``sample(n, generator) -> (x, labels)`` and reports the
per-coordinate ``variances()`` the objectives use, as the engine's ``TrainingData`` does.
"""

from .toys import ToyData, toy_names
from .images import ImageData, read_cifar10, read_mnist, read_png_folder, shipped_mnist

IMAGE_DATASETS = ("mnist", "cifar10", "png")


def open_dataset(name, data=None, channels=1):
    """A toy by name, or an image dataset (``mnist``, ``cifar10``, ``png``) read from ``data``."""
    if name in toy_names():
        return ToyData(name)
    if name == "mnist":
        return shipped_mnist() if data is None else read_mnist(data)
    if name == "cifar10":
        if data is None:
            raise ValueError("--data: cifar10 needs --data DIR (the folder of data_batch_*.bin)")
        return read_cifar10(data)
    if name == "png":
        if data is None:
            raise ValueError("--data: png needs --data DIR (the folder of PNG images)")
        return read_png_folder(data, channels)
    raise ValueError(f"--dataset: '{name}' is neither a toy ({', '.join(toy_names())}) nor an image dataset "
                     f"({', '.join(IMAGE_DATASETS)})")
