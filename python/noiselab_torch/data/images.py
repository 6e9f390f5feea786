"""Image datasets as the engine reads them: NCHW float32 pixels on ``b / 127.5 - 1``, optional class labels.

Readers for MNIST IDX files (optionally gzipped), the CIFAR-10 binary batches and folders of PNG files (8- and
16-bit grey, grey+alpha, RGB, RGBA and palette images, not interlaced; colour becomes luminance
``0.299 R + 0.587 G + 0.114 B`` for one channel, grey is replicated for three, alpha is ignored), with the engine's
rules: sizes checked before decoding, one size for all images, subfolders (sorted) as classes.
"""

import gzip
import os
import struct
import zlib

import numpy as np
import torch

MIN_VARIANCE = (2.0 / 255) ** 2 / 12
MAX_SIDE = 16384
_SHIPPED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "assets", "src", "main", "resources", "org",
                        "noiselab", "assets", "data", "mnist", "mnist-1k-")
MNIST_CLASSES = [str(d) for d in range(10)]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CIFAR10_TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]


class ImageData:
    """A finite image set; each draw picks images uniformly with replacement."""

    def __init__(self, name, pixels, labels=None, class_names=()):
        self.name = name
        self.pixels = torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.float32))
        self.count, self.channels, self.height, self.width = self.pixels.shape
        self.dim = self.channels * self.height * self.width
        self.labels = None if labels is None else torch.from_numpy(np.asarray(labels, dtype=np.int64))
        self.class_names = list(class_names) if labels is not None else []
        self.class_count = len(self.class_names)
        if self.count == 0:
            raise ValueError(f"{name}: no images")

    def variances(self):
        """Per-pixel variance over the set, floored at that of 8-bit dequantisation noise, ``(2/255)^2 / 12``."""
        p = self.pixels.reshape(self.count, -1).to(torch.float64)
        return torch.clamp(p.var(0, unbiased=False), min=MIN_VARIANCE).numpy()

    def sample(self, n, generator=None, device="cpu"):
        """``n`` images ``[n, C, H, W]`` and their labels (zeros for an unlabelled set)."""
        pick = torch.randint(self.count, (n,), generator=generator)
        labels = self.labels[pick] if self.labels is not None else torch.zeros(n, dtype=torch.long)
        return self.pixels[pick].to(device), labels.to(device)


def _read(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _idx(path, magic, source):
    data = _read(path)
    if len(data) < 8 or struct.unpack(">I", data[:4])[0] != magic:
        raise ValueError(f"{source}: not an IDX file with magic 0x{magic:04x}")
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    count = int(np.prod(shape))
    body = data[4 + 4 * dims:]
    if len(body) != count:
        raise ValueError(f"{source}: holds {len(body)} bytes of data, its header declares {count}")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _scaled(b):
    """``b / 127.5 - 1`` in float64, then rounded to float32 (as the engine's ``PixelScale``)."""
    return (np.asarray(b, dtype=np.float64) / 127.5 - 1.0).astype(np.float32)


def read_mnist(path):
    """A directory with ``train-*`` (preferred) or ``t10k-*`` IDX files, or an images file (labels beside it)."""
    if os.path.isdir(path):
        prefix = "train" if any(os.path.exists(os.path.join(path, "train-images-idx3-ubyte" + e)) for e in
                                ("", ".gz")) else "t10k"

        def find(kind):
            for e in ("", ".gz"):
                p = os.path.join(path, f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte{e}")
                if os.path.exists(p):
                    return p
            return None
        images, labels = find("images"), find("labels")
        if images is None:
            raise ValueError(f"{path}: no {prefix}-images-idx3-ubyte[.gz] in the folder")
    else:
        images = path
        guess = path.replace("-images-idx3-ubyte", "-labels-idx1-ubyte")
        labels = guess if guess != path and os.path.exists(guess) else None
    pixels = _idx(images, 0x0803, os.path.basename(images))
    lab = None if labels is None else _idx(labels, 0x0801, os.path.basename(labels))
    if lab is not None and len(lab) != len(pixels):
        raise ValueError(f"{os.path.basename(labels)}: {len(lab)} labels for {len(pixels)} images")
    if lab is not None and lab.max(initial=0) > 9:
        raise ValueError(f"{os.path.basename(labels)}: a label is above 9")
    return ImageData("mnist", _scaled(pixels)[:, None], lab, MNIST_CLASSES)


def shipped_mnist():
    """The 1000 MNIST test images 9000..9999 that ship with the lab (held out from the shipped models)."""
    return read_mnist(_SHIPPED + "images-idx3-ubyte.gz")


def read_cifar10(directory, split="train"):
    """The CIFAR-10 binary batches (``data_batch_1..5.bin``, or ``test_batch.bin`` for ``split='test'``)."""
    names = CIFAR10_TRAIN if split == "train" else ["test_batch.bin"]
    record = 1 + 3 * 32 * 32
    parts, labels = [], []
    for name in names:
        p = os.path.join(directory, name)
        if not os.path.exists(p):
            raise ValueError(f"{directory}: missing {name}")
        data = np.frombuffer(_read(p), dtype=np.uint8)
        if data.size % record:
            raise ValueError(f"{name}: {data.size} bytes is not a whole number of {record}-byte records")
        rows = data.reshape(-1, record)
        if rows[:, 0].max(initial=0) > 9:
            raise ValueError(f"{name}: a label is above 9")
        labels.append(rows[:, 0].astype(np.int64))
        parts.append(_scaled(rows[:, 1:]).reshape(-1, 3, 32, 32))
    return ImageData("cifar10", np.concatenate(parts), np.concatenate(labels), CIFAR10_CLASSES)


def read_png_folder(directory, channels=1):
    """A folder of PNGs: subfolders (sorted) are classes; otherwise the PNGs in it form an unlabelled set."""
    if channels not in (1, 3):
        raise ValueError("--channels: must be 1 or 3")
    entries = sorted(e for e in os.listdir(directory) if not e.startswith("."))
    classes = [e for e in entries if os.path.isdir(os.path.join(directory, e))]
    groups = [(i, os.path.join(directory, c)) for i, c in enumerate(classes)] if classes else [(0, directory)]
    files, labels = [], []
    for label, folder in groups:
        for e in sorted(os.listdir(folder)):
            p = os.path.join(folder, e)
            if not e.startswith(".") and e.lower().endswith(".png") and os.path.isfile(p):
                files.append(p)
                labels.append(label)
    if not files:
        raise ValueError(f"{directory}: no PNG images")
    sizes = {f: _png_size(f) for f in files}
    first = sizes[files[0]]
    for f, s in sizes.items():
        if s != first:
            raise ValueError(f"{os.path.relpath(f, directory)}: {s[0]}x{s[1]}, but the first image is "
                             f"{first[0]}x{first[1]}; all images must share one size")
    images = np.stack([_to_channels(decode_png(f), channels) for f in files])
    name = os.path.basename(os.path.normpath(directory))
    return ImageData(name, _scaled(images), np.array(labels) if classes else None, classes)


def _to_channels(rgb, channels):
    """``[3, H, W]`` colour (or ``[1, H, W]`` grey) intensities on 0..255 to the wanted channel count; luminance is
    kept unrounded, as the engine keeps it."""
    rgb = np.asarray(rgb, dtype=np.float64)
    if channels == 3:
        return np.repeat(rgb, 3, axis=0) if rgb.shape[0] == 1 else rgb
    if rgb.shape[0] == 1:
        return rgb
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])[None]


def _png_chunks(data, source):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{source}: not a PNG file")
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        if at + 12 + length > len(data):
            raise ValueError(f"{source}: truncated PNG chunk")
        yield kind, data[at + 8:at + 8 + length]
        at += 12 + length


def _png_size(path):
    with open(path, "rb") as f:
        head = f.read(33)
    kind, ihdr = next(_png_chunks(head + b"\0" * 4, os.path.basename(path)))
    if kind != b"IHDR":
        raise ValueError(f"{os.path.basename(path)}: PNG without IHDR")
    w, h = struct.unpack(">II", ihdr[:8])
    if not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE):
        raise ValueError(f"{os.path.basename(path)}: {w}x{h} is outside 1..{MAX_SIDE}")
    return w, h


def decode_png(path):
    """A PNG's pixels as intensities on 0..255, ``[1, H, W]`` (grey) or ``[3, H, W]`` (colour); alpha dropped.

    8-bit samples are returned as they are; 16-bit grey is scaled by 255/65535 without rounding and 16-bit colour is
    rounded to 8 bits (the engine reads colour through 8-bit RGB).
    """
    source = os.path.basename(path)
    with open(path, "rb") as f:
        data = f.read()
    ihdr, palette, idat = None, None, []
    for kind, body in _png_chunks(data, source):
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise ValueError(f"{source}: PNG without IHDR")
    w, h, depth, colour, _, _, interlace = ihdr
    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if samples is None or interlace or depth not in ((8, 16) if colour != 3 else (8,)):
        raise ValueError(f"{source}: PNG colour type {colour}, depth {depth}, interlace {interlace} is not read "
                         f"here (8/16-bit grey, RGB, alpha or 8-bit palette, not interlaced)")
    bpp = samples * depth // 8
    stride = w * bpp
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != h * (stride + 1):
        raise ValueError(f"{source}: image data holds {len(raw)} bytes, expected {h * (stride + 1)}")
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(h, stride + 1)
    for y in range(h):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + prev) & 0xFF
        elif kind == 1:
            # Sub: a running sum along each of the bpp interleaved byte lanes
            cur = np.zeros(stride, dtype=np.int32)
            for lane in range(bpp):
                cur[lane::bpp] = np.cumsum(line[lane::bpp]) & 0xFF
        else:
            cur = np.zeros(stride, dtype=np.int32)
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if kind == 1:
                    p = a
                elif kind == 3:
                    p = (a + b) >> 1
                elif kind == 4:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else b if pb <= pc else c
                else:
                    raise ValueError(f"{source}: unknown PNG filter {kind} on row {y}")
                cur[i] = (line[i] + p) & 0xFF
        out[y] = cur
        prev = cur
    pixels = out.reshape(h, w, samples * depth // 8)
    if depth == 16:
        wide = pixels.reshape(h, w, samples, 2).astype(np.uint32)
        wide = wide[..., 0] << 8 | wide[..., 1]
        if colour in (0, 4):
            return (wide[..., :1] * (255.0 / 65535)).transpose(2, 0, 1).copy()
        pixels = ((wide * 255 + 32767) // 65535).astype(np.uint8)
    if colour == 3:
        if palette is None:
            raise ValueError(f"{source}: palette PNG without PLTE")
        return palette[pixels[..., 0]].transpose(2, 0, 1).copy()
    if colour in (0, 4):
        return pixels[..., :1].transpose(2, 0, 1).copy()
    return pixels[..., :3].transpose(2, 0, 1).copy()
