"""The safetensors format, read and written with the engine's rules.

An 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
``{"dtype", "shape", "data_offsets": [begin, end]}`` (plus an optional ``"__metadata__"`` object of strings), then the
raw little-endian data. Only F32 is read or written. The reader trusts nothing: the header length, every offset and
shape are checked against the byte count before anything is allocated, tensors must tile the data region exactly,
and every violation raises :class:`FormatError` naming the tensor and the problem (the engine's ``Safetensors``).
"""

import json
import struct

import numpy as np

MAX_HEADER_BYTES = 16 << 20
METADATA = "__metadata__"


class FormatError(ValueError):
    """A file that is not what it claims to be; the message names the file and the problem."""


def _reject_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise FormatError(f"duplicate key '{key}'")
        seen[key] = value
    return seen


def _reject_constant(name):
    raise FormatError(f"non-standard token '{name}'")


def parse_json(text, source):
    """Strict JSON: duplicate keys, trailing tokens and NaN/Infinity are errors (as the engine's Jackson reader)."""
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant)
    except FormatError as e:
        raise FormatError(f"{source}: {e}") from None
    except ValueError as e:
        raise FormatError(f"{source}: not valid JSON ({e})") from None


def write(tensors, metadata=None):
    """Serialises ``{name: float32 array}`` (in the dict's order) and string metadata; returns the bytes."""
    header = {}
    if metadata:
        header[METADATA] = {str(k): str(v) for k, v in metadata.items()}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        a = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    padded = (len(header_bytes) + 7) // 8 * 8
    return struct.pack("<Q", padded) + header_bytes + b" " * (padded - len(header_bytes)) + b"".join(blobs)


def read(data, source="safetensors"):
    """Parses and validates a safetensors file held in memory; returns ``(tensors, metadata)`` in header order."""
    if len(data) < 8:
        raise FormatError(f"{source}: too short for a safetensors header ({len(data)} bytes)")
    (header_length,) = struct.unpack("<q", data[:8])
    if header_length < 2 or header_length > MAX_HEADER_BYTES or header_length > len(data) - 8:
        raise FormatError(f"{source}: header length {header_length} is impossible for a file of {len(data)} bytes")
    try:
        text = data[8:8 + header_length].decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{source}: header is not valid UTF-8") from None
    header = parse_json(text, source + ": header")
    if not isinstance(header, dict):
        raise FormatError(f"{source}: header must be a JSON object")
    data_start = 8 + header_length
    data_length = len(data) - data_start
    metadata = {}
    entries = []
    for name, node in header.items():
        if name == METADATA:
            if not isinstance(node, dict) or not all(isinstance(v, str) for v in node.values()):
                raise FormatError(f"{source}: __metadata__ must be an object of strings")
            metadata.update(node)
        else:
            entries.append(_entry(name, node, data_length, source))
    expected = 0
    for name, shape, begin, end in sorted(entries, key=lambda e: (e[2], e[3])):
        if begin != expected:
            raise FormatError(f"{source}: tensor '{name}' starts at byte {begin} but the previous one ends at "
                              f"{expected} (overlap or gap)")
        expected = end
    if expected != data_length:
        raise FormatError(f"{source}: tensors cover {expected} of {data_length} data bytes")
    tensors = {}
    for name, shape, begin, end in entries:
        values = np.frombuffer(data, dtype="<f4", count=(end - begin) // 4, offset=data_start + begin)
        tensors[name] = values.reshape(shape).astype(np.float32)
    return tensors, metadata


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _entry(name, node, data_length, source):
    where = f"{source}: tensor '{name}'"
    if not isinstance(node, dict):
        raise FormatError(f"{where} must be a JSON object")
    if node.get("dtype") != "F32":
        raise FormatError(f"{where} has dtype {node.get('dtype')}; only F32 is supported")
    shape = node.get("shape")
    offsets = node.get("data_offsets")
    if not isinstance(shape, list) or len(shape) > 8:
        raise FormatError(f"{where} needs a shape array of at most 8 dimensions")
    if not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(o) for o in offsets):
        raise FormatError(f"{where} needs data_offsets [begin, end]")
    count = 1
    for s in shape:
        if not _is_int(s) or s < 0:
            raise FormatError(f"{where} has an invalid dimension {s}")
        count *= s
        if count * 4 > data_length and count > 0:
            raise FormatError(f"{where} declares more values than the file holds")
    begin, end = offsets
    if begin < 0 or end < begin or end > data_length:
        raise FormatError(f"{where} has data_offsets [{begin}, {end}] outside the {data_length} data bytes")
    if end - begin != 4 * count:
        raise FormatError(f"{where} has {end - begin} bytes for {count} float32 values")
    return name, tuple(shape), begin, end
