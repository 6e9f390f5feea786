"""Writing image grids as PNG files (8-bit grey or RGB) with zlib, so sample grids need no imaging library."""

import struct
import zlib

import numpy as np


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def to_bytes(x):
    """Model-scale pixels to 8 bits as the engine does: ``round((x + 1) * 127.5)`` clamped to 0..255."""
    return np.clip(np.rint((np.asarray(x, dtype=np.float64) + 1.0) * 127.5), 0, 255).astype(np.uint8)


def grid(images, columns=None, gap=2, background=128):
    """``[n, C, H, W]`` images on the model's scale as one ``[C, rows*(H+gap)-gap, ...]`` 8-bit grid."""
    images = to_bytes(images)
    n, c, h, w = images.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = (n + columns - 1) // columns
    out = np.full((c, rows * (h + gap) - gap, columns * (w + gap) - gap), background, dtype=np.uint8)
    for i in range(n):
        r, col = divmod(i, columns)
        out[:, r * (h + gap):r * (h + gap) + h, col * (w + gap):col * (w + gap) + w] = images[i]
    return out


def write(path, pixels):
    """Writes ``[1, H, W]`` (grey) or ``[3, H, W]`` (RGB) uint8 pixels as a PNG."""
    c, h, w = pixels.shape
    rows = np.ascontiguousarray(pixels.transpose(1, 2, 0)).reshape(h, w * c)
    raw = b"".join(b"\0" + rows[y].tobytes() for y in range(h))
    header = struct.pack(">IIBBBBB", w, h, 8, 0 if c == 1 else 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 6)) + \
        _chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
