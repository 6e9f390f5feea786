"""Reading and writing the lab's ``.nlab`` checkpoints, with the engine's validation rules.

A checkpoint is a zip holding ``manifest.json`` (first, at most 1 MiB) and three safetensors files: ``weights`` (the
trained parameters), ``ema`` (their moving average) and ``training`` (AdamW's moments ``adam.m``, ``adam.v`` and the
loss of every step ``loss_history``). The manifest records the setup, provenance and every tensor's file, shape and
SHA-256, and its own SHA-256 (``manifestSha256``, over the compact JSON without that field). Loading bounds every
read before allocating, accepts only those four entries, and checks digests, shapes and that weights are finite and
at most 1e10 in size, as the engine's ``CheckpointIO`` does; saving is atomic (temporary file, fsync, rename) and
writes the manifest beside the checkpoint as ``NAME.manifest.json``.
"""

import hashlib
import io
import os
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass, field

import numpy as np

from . import jsoncompat, manifest, safetensors_io
from .safetensors_io import FormatError, parse_json

FORMAT = "noiselab-checkpoint"
FORMAT_VERSION = 1
MAX_ENTRY_BYTES = 256 << 20
HEADER_SLACK = 1 << 20
MAX_MANIFEST_BYTES = 1 << 20
MAX_CHECKPOINT_BYTES = 4 * MAX_ENTRY_BYTES + MAX_MANIFEST_BYTES + (1 << 20)
MAX_ABS_WEIGHT = 1e10
MAX_KERNEL_THREADS = 256
MANIFEST = "manifest.json"
WEIGHTS = "weights.safetensors"
EMA = "ema.safetensors"
TRAINING = "training.safetensors"
ENTRIES = (MANIFEST, WEIGHTS, EMA, TRAINING)
DIGEST = "manifestSha256"
SUFFIX = ".manifest.json"
_INSTANT = re.compile(r"([+-]?)([0-9]{4,10})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{0,9}))?"
                      r"(?:[Zz]|([+-])([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)")
_MIN_EPOCH_SECOND, _MAX_EPOCH_SECOND = -31557014167219200, 31556889864403199


class CheckpointFormatError(FormatError):
    """A file that is not a valid checkpoint; the message says which file, entry or field, and why."""


@dataclass
class Checkpoint:
    """A loaded checkpoint: the manifest as parsed JSON, and each file's tensors by name (float32 numpy arrays)."""

    manifest: dict
    weights: dict
    ema: dict
    training: dict = field(default_factory=dict)

    @property
    def step(self):
        return self.manifest["step"]

    @property
    def model(self):
        return self.manifest["model"]


def tensor_sha256(array):
    """SHA-256 of a tensor's little-endian float32 bytes, hex-encoded (as manifests record it)."""
    return hashlib.sha256(np.ascontiguousarray(np.asarray(array, dtype="<f4")).tobytes()).hexdigest()


def manifest_digest(manifest):
    """SHA-256 of the manifest without its digest field, as the engine's compact JSON."""
    copy = {k: v for k, v in manifest.items() if k != DIGEST}
    return hashlib.sha256(jsoncompat.compact(copy).encode("utf-8")).hexdigest()


def sidecar(path):
    """The manifest written beside a checkpoint: ``NAME.manifest.json``."""
    path = os.fspath(path)
    stem = path[:-5] if path.endswith(".nlab") else path
    return stem + SUFFIX


def _days_from_civil(y, m, d):
    """Days from 1970-01-01 to a proleptic Gregorian date (any year)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def is_instant(text):
    """Whether Java's ``Instant.parse`` reads ``text``: ``[+-]YYYY-MM-DDTHH:MM:SS[.f{0,9}]`` then ``Z`` or an offset
    ``+HH:MM[:SS]`` (case-insensitive ``T`` and ``Z``; a year of more than four digits needs its sign; ``24:00:00``
    is the next midnight and ``23:59:60`` a leap second), within the range of an ``Instant``."""
    g = _INSTANT.fullmatch(text)
    if not g:
        return False
    sign, year = g.group(1), g.group(2)
    if (sign == "" and len(year) > 4) or (sign == "+" and len(year) <= 4) or (sign == "-" and int(year) == 0):
        return False
    y = -int(year) if sign == "-" else int(year)
    month, day, hour, minute, second = (int(g.group(i)) for i in range(3, 8))
    nano = int((g.group(8) or "").ljust(9, "0") or "0")
    offset = 0
    if g.group(9):
        oh, om, os_ = int(g.group(10)), int(g.group(11)), int(g.group(12) or 0)
        if oh > 18 or om > 59 or os_ > 59:
            return False
        offset = (oh * 3600 + om * 60 + os_) * (-1 if g.group(9) == "-" else 1)
        if abs(offset) > 18 * 3600:
            return False
    extra_day = 0
    if hour == 24 and minute == 0 and second == 0 and nano == 0:
        hour, extra_day = 0, 1
    elif hour == 23 and minute == 59 and second == 60:
        second = 59
    if not (1 <= month <= 12 and hour <= 23 and minute <= 59 and second <= 59):
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if day < 1 or day > (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]:
        return False
    seconds = (_days_from_civil(y, month, day) + extra_day) * 86400 + hour * 3600 + minute * 60 + second - offset
    return _MIN_EPOCH_SECOND <= seconds <= _MAX_EPOCH_SECOND


_BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xfe\xff", "utf-16-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8"))


def _decode(data, where):
    """The manifest's text, its encoding detected as Jackson detects it (a BOM, else the zero bytes of UTF-16/32)."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    else:
        if len(data) >= 4 and data[:4] in (b"\0\0\xff\xfe", b"\xfe\xff\0\0") or len(data) >= 4 and (
                (data[0], data[2], data[3]) == (0, 0, 0) or (data[0], data[1], data[3]) == (0, 0, 0)):
            raise CheckpointFormatError(f"{where}: not valid JSON (an unsupported UCS-4 byte order)")
        if len(data) >= 4 and data[:3] == b"\0\0\0":
            encoding = "utf-32-be"
        elif len(data) >= 4 and data[1:4] == b"\0\0\0":
            encoding = "utf-32-le"
        elif len(data) >= 2 and data[0] == 0:
            encoding = "utf-16-be"
        elif len(data) >= 2 and data[1] == 0:
            encoding = "utf-16-le"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise CheckpointFormatError(f"{where}: not valid JSON (not valid {encoding.upper()})") from None


def manifest_fields(data, source):
    """Parses a manifest and checks its format, version and digest (the engine's ``manifestFields``)."""
    where = f"{source}/{MANIFEST}"
    try:
        root = parse_json(_decode(data, where), where)
    except FormatError as e:
        raise CheckpointFormatError(str(e)) from None
    r = manifest.Fields(root, "", where)
    if r.text("format") != FORMAT:
        raise r.fail("format", f"is not '{FORMAT}'")
    version = r.integer("formatVersion")
    if version != FORMAT_VERSION:
        raise r.fail("formatVersion", f"is {version}; this engine reads version {FORMAT_VERSION}")
    if r.text(DIGEST) != manifest_digest(root):
        raise r.fail(DIGEST, "does not match the manifest (it was edited or corrupted)")
    return r


def parse_manifest(data, source):
    """Parses and checks a checkpoint's manifest as the engine does; returns ``(manifest dict, manifest.Setup)``.

    Format, version and digest first, then the setup sections (:func:`manifest.read_setup`), the step (within the
    training steps), the kernel threads (absent or null means 0), the creation instant and the metrics (finite
    numbers).
    """
    r = manifest_fields(data, source)
    setup = manifest.read_setup(r.node, r.source)
    step = r.integer("step")
    steps = setup.training["steps"]
    if step < 0 or step > steps:
        raise r.fail("step", f"is {step}, outside 0..{steps}")
    threads = r.integer("kernelThreads") if r.has("kernelThreads") else 0
    if not 0 <= threads <= MAX_KERNEL_THREADS:
        raise r.fail("kernelThreads", f"is {threads}, outside 0..{MAX_KERNEL_THREADS}")
    if not is_instant(r.text("createdAt")):
        raise r.fail("createdAt", "is not an ISO-8601 instant")
    metrics = r.object("metrics")
    for key in metrics.node:
        metrics.number(key)
    return r.node, setup


_LOCSIG = 0x04034B50
_EXTSIG = 0x08074B50
_ZIP64_MAGIC = 0xFFFFFFFF


class _Truncated(Exception):
    """The file ended inside an entry (the engine's EOFException)."""


class _Unreadable(Exception):
    """The zip structure is broken (the engine's ZipException); the message is java.util.zip's or zlib's."""


def _entry_data(data, pos, method, descriptor, crc, csize, size, limit, where):
    """One entry's bytes read as ``java.util.zip.ZipInputStream`` reads them, from ``pos`` (just after the local
    header): STORED takes the local header's size, DEFLATED inflates to the stream's end then checks the data
    descriptor (when flagged) or the local header's sizes and CRC. More than ``limit`` bytes refuse the file.
    Returns ``(bytes, position after the entry)``."""
    if method == 0:
        if size == 0:
            return b"", pos
        if size > limit:
            raise CheckpointFormatError(f"{where} decompresses to more than {limit} bytes; refusing it")
        if len(data) - pos < size:
            raise _Unreadable("unexpected EOF")
        body = bytes(data[pos:pos + size])
        if zlib.crc32(body) != crc:
            raise _Unreadable("invalid entry CRC")
        return body, pos + size
    if method != 8:
        raise _Unreadable("invalid compression method")
    inflater = zlib.decompressobj(-15)
    rest = data[pos:]
    try:
        body = inflater.decompress(rest, limit + 1)
    except zlib.error as e:
        raise _Unreadable(str(e).split(": ", 1)[-1]) from None
    if len(body) > limit:
        raise CheckpointFormatError(f"{where} decompresses to more than {limit} bytes; refusing it")
    if not inflater.eof:
        raise _Truncated()
    consumed = len(rest) - len(inflater.unused_data)
    pos += consumed
    if descriptor:
        if len(data) - pos < 16:
            raise _Truncated()
        sig, a, b, c = struct.unpack_from("<IIII", data, pos)
        if sig != _EXTSIG:
            crc, csize, size = sig, a, b
            pos += 12
        else:
            crc, csize, size = a, b, c
            pos += 16
    if size != len(body):
        raise _Unreadable(f"invalid entry size (expected {size} but got {len(body)} bytes)")
    if csize != consumed:
        raise _Unreadable(f"invalid entry compressed size (expected {csize} but got {consumed} bytes)")
    if zlib.crc32(body) != crc:
        raise _Unreadable("invalid entry CRC")
    return body, pos


def _read_entries(data, source):
    """The checkpoint's entries, read front to back from the local headers as the engine's ``ZipInputStream`` does
    (the central directory is never consulted: reading stops at the first bytes that are not a local header).

    The names are checked as they come (only the four entries, each once, the manifest first); the manifest, once
    read, gives every later entry its bound. Returns ``(entries, manifest dict, setup)``.
    """
    entries = {}
    limits = None
    root = setup = None
    pos = 0
    view = memoryview(data)
    try:
        while len(data) - pos >= 30:
            sig, _, flag, method, _, _, crc, csize, size, name_length, extra_length = struct.unpack_from(
                "<IHHHHHIIIHH", data, pos)
            if sig != _LOCSIG:
                break
            pos += 30
            if len(data) - pos < name_length:
                raise _Truncated()
            try:
                name = bytes(view[pos:pos + name_length]).decode("utf-8")
            except UnicodeDecodeError:
                raise CheckpointFormatError(f"{source}: not a readable zip file (an entry name is not valid "
                                            f"UTF-8)") from None
            pos += name_length
            if flag & 1:
                raise _Unreadable("encrypted ZIP entry not supported")
            descriptor = bool(flag & 8)
            if descriptor and method != 8:
                raise _Unreadable("only DEFLATED entries can have EXT descriptor")
            if len(data) - pos < extra_length:
                raise _Truncated()
            extra = bytes(view[pos:pos + extra_length])
            pos += extra_length
            if not descriptor and _ZIP64_MAGIC in (csize, size):
                size, csize = _zip64_sizes(extra, size, csize)
            if name not in ENTRIES:
                raise CheckpointFormatError(f"{source}: unexpected entry '{_printable(name)}' (a checkpoint holds "
                                            f"only [{', '.join(ENTRIES)}])")
            if name in entries:
                raise CheckpointFormatError(f"{source}: entry '{name}' appears twice")
            if not entries and name != MANIFEST:
                raise CheckpointFormatError(f"{source}: the first entry must be {MANIFEST}, found '{name}'")
            limit = MAX_MANIFEST_BYTES if name == MANIFEST else limits[name]
            entries[name], pos = _entry_data(view, pos, method, descriptor, crc, csize, size, limit,
                                             f"{source}/{name}")
            if name == MANIFEST:
                root, setup = parse_manifest(entries[name], source)
                # the architecture's own count bounds every tensor file (the declared one was checked against it)
                params = setup.model["parameterCount"]
                weights = min(MAX_ENTRY_BYTES, 4 * params + HEADER_SLACK)
                training = min(MAX_ENTRY_BYTES, 4 * (2 * params + max(0, root["step"])) + HEADER_SLACK)
                limits = {WEIGHTS: weights, EMA: weights, TRAINING: training}
    except _Truncated:
        raise CheckpointFormatError(f"{source}: the file is truncated") from None
    except _Unreadable as e:
        raise CheckpointFormatError(f"{source}: not a readable zip file ({e})") from None
    if not entries:
        raise CheckpointFormatError(f"{source}: not a checkpoint (no zip entries found)")
    for n in ENTRIES:
        if n not in entries:
            raise CheckpointFormatError(f"{source}: missing entry '{n}'")
    return entries, root, setup


def _zip64_sizes(extra, size, csize):
    """A local header's ZIP64 extra field (tag 1, at least 16 bytes) gives the sizes its 32-bit fields could not."""
    off = 0
    while off + 4 < len(extra):
        tag, length = struct.unpack_from("<HH", extra, off)
        off += 4
        if off + length > len(extra):
            break
        if tag == 1 and length >= 16:
            size, csize = struct.unpack_from("<QQ", extra, off)
        off += length
    return size, csize


def _check_finite(tensors, source, max_abs):
    for name, array in tensors.items():
        flat = array.reshape(-1)
        bad = ~np.isfinite(flat) | (np.abs(flat) > max_abs)
        if bad.any():
            i = int(np.argmax(bad))
            v = float(flat[i])
            what = "NaN" if np.isnan(v) else ("+Infinity" if v > 0 else "-Infinity") if np.isinf(v) else \
                f"{v} (beyond +-{max_abs})"
            raise CheckpointFormatError(f"{source}: tensor '{_printable(name)}' holds {what} at index {i}; a usable "
                                        f"model's numbers are finite")


def load(path):
    """Reads and validates a checkpoint; raises :class:`CheckpointFormatError` saying why a file is refused."""
    source = os.path.basename(os.fspath(path))
    size = os.stat(path).st_size
    if size > MAX_CHECKPOINT_BYTES:
        raise CheckpointFormatError(f"{source}: {size} bytes is larger than any checkpoint ({MAX_CHECKPOINT_BYTES})")
    with open(path, "rb") as f:
        data = f.read(MAX_CHECKPOINT_BYTES + 1)
    entries, root, setup = _read_entries(data, source)
    params = setup.model["parameterCount"]
    step = root["step"]
    files = {}
    try:
        for n in (WEIGHTS, EMA, TRAINING):
            files[n] = safetensors_io.read(entries[n], f"{source}/{n}")[0]
    except FormatError as e:
        raise CheckpointFormatError(str(e)) from None
    _verify_listing(root, files, source)
    _check_finite(files[WEIGHTS], f"{source}/{WEIGHTS}", MAX_ABS_WEIGHT)
    _check_finite(files[EMA], f"{source}/{EMA}", MAX_ABS_WEIGHT)
    weights = model_tensors(setup.model, files[WEIGHTS], f"{source}/{WEIGHTS}")
    ema = model_tensors(setup.model, files[EMA], f"{source}/{EMA}")
    training = files[TRAINING]
    for name, length in (("adam.m", params), ("adam.v", params), ("loss_history", step)):
        t = training.get(name)
        if t is None:
            raise CheckpointFormatError(f"{source}/{TRAINING}: tensor '{name}' is missing")
        if t.shape != (length,):
            raise CheckpointFormatError(f"{source}/{TRAINING}: tensor '{name}' has shape {list(t.shape)}, "
                                        f"expected [{length}]")
        if name != "loss_history":
            _check_finite({name: t}, f"{source}/{TRAINING}", float("inf"))
    r = manifest.Fields(root, "", f"{source}/{MANIFEST}")
    if r.has("lossHistorySha256") and tensor_sha256(training["loss_history"]) != r.text("lossHistorySha256"):
        raise r.fail("lossHistorySha256", "does not match the stored loss history")
    r.text("engineVersion")
    training = {k: training[k] for k in ("adam.m", "adam.v", "loss_history")}
    return Checkpoint(root, weights, ema, training)


def model_tensors(model, tensors, source):
    """The tensors a validated model needs, in its order, each present with exactly its shape (the engine's
    ``ModelTensors.fromTensors``); tensors the model does not use are left out, as the engine ignores them."""
    out = {}
    for name, shape in manifest.expected_tensors(model):
        t = tensors.get(name)
        if t is None:
            raise CheckpointFormatError(f"{source}: tensor '{name}' is missing")
        if list(t.shape) != shape:
            raise CheckpointFormatError(f"{source}: tensor '{name}' has shape {list(t.shape)}, the model needs "
                                        f"{shape}")
        out[name] = t
    return out


def _verify_listing(root, files, source):
    """Every tensor of the three files is listed once with its file, name, dtype, shape and SHA-256."""
    where = f"{source}/{MANIFEST}"
    if "tensors" not in root:
        raise CheckpointFormatError(f"{where}: tensors is missing")
    listing = root["tensors"]
    if not isinstance(listing, list):
        raise CheckpointFormatError(f"{where}: tensors must be an array")
    expected = sum(len(t) for t in files.values())
    if len(listing) != expected:
        raise CheckpointFormatError(f"{where}: lists {len(listing)} tensors, the files hold {expected}")
    for i, node in enumerate(listing):
        t = manifest.Fields(node, f"tensors[{i}]", where)
        file = files.get(t.text("file"))
        if file is None:
            raise t.fail("file", "names an unknown file")
        name = t.text("name")
        tensor = file.get(name)
        if tensor is None:
            raise t.fail("name", f"'{name}' is not in {t.text('file')}")
        if t.text("dtype") != "F32":
            raise t.fail("dtype", f"is '{_printable(t.text('dtype'))}'; tensors are stored as F32")
        shape = node.get("shape")
        if not isinstance(shape, list) or len(shape) > 8:
            raise t.fail("shape", "must be an array of at most 8 dimensions")
        if not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= manifest.LONG_MAX for d in shape):
            raise t.fail("shape", "must hold non-negative integers")
        if shape != list(tensor.shape):
            raise t.fail("shape", f"is {shape} but tensor '{name}' in {t.text('file')} has shape "
                                  f"{list(tensor.shape)}")
        if tensor_sha256(tensor) != t.text("sha256"):
            raise CheckpointFormatError(f"{where}: checksum mismatch for tensor '{name}' in {t.text('file')} (the "
                                        f"file is corrupt or was modified)")


def _printable(s):
    """A name as it can be shown: at most 80 characters, only printable ASCII."""
    cut = s[:80] + "..." if len(s) > 80 else s
    return "".join(c if " " <= c <= "~" else "?" for c in cut)


def _atomic_write(path, data):
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    try:
        with open(temp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(path, manifest, weights, ema, training):
    """Writes a checkpoint atomically, and its manifest beside it.

    ``manifest`` holds the setup sections and provenance (``format``, ``formatVersion``, ``engineVersion``,
    ``createdAt``, ``dataset``, ``model``, ``schedule``, ``objective``, ``training``, ``seeds``, ``step``,
    ``kernelThreads``, ``metrics``, optional extras); the loss digest, the tensor listing and the manifest digest are
    filled in here. ``weights`` and ``ema`` map tensor names to float32 arrays in the engine's layout; ``training``
    holds ``adam.m``, ``adam.v`` and ``loss_history``.
    """
    manifest = {k: v for k, v in manifest.items() if k not in ("tensors", DIGEST)}
    manifest.setdefault("format", FORMAT)
    manifest.setdefault("formatVersion", FORMAT_VERSION)
    manifest["lossHistorySha256"] = tensor_sha256(training["loss_history"])
    files = {WEIGHTS: weights, EMA: ema, TRAINING: training}
    listing = []
    blobs = {}
    for name, tensors in files.items():
        arrays = {k: np.asarray(v, dtype=np.float32) for k, v in tensors.items()}
        for key, array in arrays.items():
            listing.append({"file": name, "name": key, "dtype": "F32", "shape": list(array.shape),
                            "sha256": tensor_sha256(array)})
        blobs[name] = safetensors_io.write(arrays, {"format": "pt"})
    # the listing goes after metrics, where the engine writes it
    ordered = {}
    for k, v in manifest.items():
        ordered[k] = v
    ordered["tensors"] = listing
    ordered[DIGEST] = manifest_digest(ordered)
    text = jsoncompat.pretty(ordered).encode("utf-8")
    buffer = io.BytesIO()
    stamp = time.gmtime()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [(MANIFEST, text)] + list(blobs.items()):
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), data, compress_type=zipfile.ZIP_DEFLATED)
    _atomic_write(path, buffer.getvalue())
    _atomic_write(sidecar(path), text)
    return ordered
