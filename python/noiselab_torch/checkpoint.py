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
import time
import zipfile
from dataclasses import dataclass, field

import numpy as np

from . import jsoncompat
from .safetensors_io import FormatError, parse_json
from . import safetensors_io

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
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")


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


def _fail(source, where, problem):
    return CheckpointFormatError(f"{source}/{MANIFEST}: {where} {problem}")


def _integer(node, key, source):
    v = node.get(key) if isinstance(node, dict) else None
    if not isinstance(v, int) or isinstance(v, bool):
        raise _fail(source, key, "must be an integer")
    return v


def parse_manifest(data, source):
    """Parses and checks a manifest's format, version and digest; returns the parsed JSON."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointFormatError(f"{source}/{MANIFEST}: not valid UTF-8") from None
    try:
        root = parse_json(text, f"{source}/{MANIFEST}")
    except FormatError as e:
        raise CheckpointFormatError(str(e)) from None
    if not isinstance(root, dict):
        raise CheckpointFormatError(f"{source}/{MANIFEST}: must be a JSON object")
    if root.get("format") != FORMAT:
        raise _fail(source, "format", f"is not '{FORMAT}'")
    if _integer(root, "formatVersion", source) != FORMAT_VERSION:
        raise _fail(source, "formatVersion", f"is {root['formatVersion']}; this reader reads version {FORMAT_VERSION}")
    if not isinstance(root.get(DIGEST), str) or root[DIGEST] != manifest_digest(root):
        raise _fail(source, DIGEST, "does not match the manifest (it was edited or corrupted)")
    for section in ("dataset", "model", "schedule", "objective", "training", "seeds", "metrics"):
        if not isinstance(root.get(section), dict):
            raise _fail(source, section, "must be an object")
    step = _integer(root, "step", source)
    steps = _integer(root["training"], "steps", source)
    if step < 0 or step > steps:
        raise _fail(source, "step", f"is {step}, outside 0..{steps}")
    threads = root.get("kernelThreads", 0)
    if not isinstance(threads, int) or not 0 <= threads <= MAX_KERNEL_THREADS:
        raise _fail(source, "kernelThreads", f"is {threads}, outside 0..{MAX_KERNEL_THREADS}")
    if not isinstance(root.get("createdAt"), str) or not _INSTANT.fullmatch(root["createdAt"]):
        raise _fail(source, "createdAt", "is not an ISO-8601 instant")
    for key, value in root["metrics"].items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _fail(source, f"metrics.{key}", "must be a number")
    return root


def _read_bounded(zf, info, limit, where):
    if info.file_size > limit:
        raise CheckpointFormatError(f"{where} decompresses to more than {limit} bytes; refusing it")
    out = io.BytesIO()
    with zf.open(info) as f:
        while True:
            chunk = f.read(1 << 16)
            if not chunk:
                break
            if out.tell() + len(chunk) > limit:
                raise CheckpointFormatError(f"{where} decompresses to more than {limit} bytes; refusing it")
            out.write(chunk)
    return out.getvalue()


def _check_finite(tensors, source, max_abs):
    for name, array in tensors.items():
        flat = array.reshape(-1)
        bad = ~np.isfinite(flat) | (np.abs(flat) > max_abs)
        if bad.any():
            i = int(np.argmax(bad))
            v = float(flat[i])
            what = "NaN" if np.isnan(v) else ("+Infinity" if v > 0 else "-Infinity") if np.isinf(v) else \
                f"{v} (beyond +-{max_abs})"
            raise CheckpointFormatError(f"{source}: tensor '{name}' holds {what} at index {i}; a usable model's "
                                        f"numbers are finite")


def load(path):
    """Reads and validates a checkpoint; raises :class:`CheckpointFormatError` saying why a file is refused."""
    source = os.path.basename(os.fspath(path))
    size = os.stat(path).st_size
    if size > MAX_CHECKPOINT_BYTES:
        raise CheckpointFormatError(f"{source}: {size} bytes is larger than any checkpoint ({MAX_CHECKPOINT_BYTES})")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise CheckpointFormatError(f"{source}: not a readable zip file ({e})") from None
    with zf:
        infos = zf.infolist()
        if not infos:
            raise CheckpointFormatError(f"{source}: not a checkpoint (no zip entries found)")
        names = [i.filename for i in infos]
        for n in names:
            if n not in ENTRIES:
                shown = "".join(c if " " <= c <= "~" else "?" for c in n[:80])
                raise CheckpointFormatError(f"{source}: unexpected entry '{shown}' (a checkpoint holds only "
                                            f"[{', '.join(ENTRIES)}])")
        for n in ENTRIES:
            if names.count(n) > 1:
                raise CheckpointFormatError(f"{source}: entry '{n}' appears twice")
        if names[0] != MANIFEST:
            raise CheckpointFormatError(f"{source}: the first entry must be {MANIFEST}, found '{names[0]}'")
        for n in ENTRIES:
            if n not in names:
                raise CheckpointFormatError(f"{source}: missing entry '{n}'")
        by_name = {i.filename: i for i in infos}
        try:
            manifest = parse_manifest(_read_bounded(zf, by_name[MANIFEST], MAX_MANIFEST_BYTES,
                                                    f"{source}/{MANIFEST}"), source)
            params = manifest["model"].get("parameterCount")
            if not isinstance(params, int) or params < 0:
                raise _fail(source, "model.parameterCount", "must be a non-negative integer")
            weight_limit = min(MAX_ENTRY_BYTES, 4 * params + HEADER_SLACK)
            training_limit = min(MAX_ENTRY_BYTES, 4 * (2 * params + manifest["step"]) + HEADER_SLACK)
            limits = {WEIGHTS: weight_limit, EMA: weight_limit, TRAINING: training_limit}
            files = {}
            for n in (WEIGHTS, EMA, TRAINING):
                raw = _read_bounded(zf, by_name[n], limits[n], f"{source}/{n}")
                files[n] = safetensors_io.read(raw, f"{source}/{n}")[0]
        except zipfile.BadZipFile as e:
            raise CheckpointFormatError(f"{source}: not a readable zip file ({e})") from None
        except FormatError as e:
            raise CheckpointFormatError(str(e)) from None
    _verify_listing(manifest, files, source)
    _check_finite(files[WEIGHTS], f"{source}/{WEIGHTS}", MAX_ABS_WEIGHT)
    _check_finite(files[EMA], f"{source}/{EMA}", MAX_ABS_WEIGHT)
    training = files[TRAINING]
    for name, length in (("adam.m", params), ("adam.v", params), ("loss_history", manifest["step"])):
        t = training.get(name)
        if t is None:
            raise CheckpointFormatError(f"{source}/{TRAINING}: tensor '{name}' is missing")
        if t.shape != (length,):
            raise CheckpointFormatError(f"{source}/{TRAINING}: tensor '{name}' has shape {list(t.shape)}, "
                                        f"expected [{length}]")
    _check_finite({k: training[k] for k in ("adam.m", "adam.v")}, f"{source}/{TRAINING}", float("inf"))
    if "lossHistorySha256" in manifest and tensor_sha256(training["loss_history"]) != manifest["lossHistorySha256"]:
        raise _fail(source, "lossHistorySha256", "does not match the stored loss history")
    for file in (WEIGHTS, EMA):
        count = sum(int(t.size) for t in files[file].values())
        if count != params:
            raise CheckpointFormatError(f"{source}/{file}: holds {count} parameters, the manifest's model has "
                                        f"{params}")
    return Checkpoint(manifest, files[WEIGHTS], files[EMA], training)


def _verify_listing(manifest, files, source):
    listing = manifest.get("tensors")
    where = f"{source}/{MANIFEST}"
    if not isinstance(listing, list):
        raise CheckpointFormatError(f"{where}: tensors must be an array")
    expected = sum(len(t) for t in files.values())
    if len(listing) != expected:
        raise CheckpointFormatError(f"{where}: lists {len(listing)} tensors, the files hold {expected}")
    for i, t in enumerate(listing):
        if not isinstance(t, dict):
            raise CheckpointFormatError(f"{where}: tensors[{i}] must be an object")
        file = files.get(t.get("file"))
        if file is None:
            raise CheckpointFormatError(f"{where}: tensors[{i}].file names an unknown file")
        tensor = file.get(t.get("name"))
        if tensor is None:
            raise CheckpointFormatError(f"{where}: tensors[{i}].name '{t.get('name')}' is not in {t.get('file')}")
        if t.get("dtype") != "F32":
            raise CheckpointFormatError(f"{where}: tensors[{i}].dtype is '{t.get('dtype')}'; tensors are stored as "
                                        f"F32")
        if t.get("shape") != list(tensor.shape):
            raise CheckpointFormatError(f"{where}: tensors[{i}].shape is {t.get('shape')} but tensor "
                                        f"'{t.get('name')}' in {t.get('file')} has shape {list(tensor.shape)}")
        if tensor_sha256(tensor) != t.get("sha256"):
            raise CheckpointFormatError(f"{where}: checksum mismatch for tensor '{t.get('name')}' in "
                                        f"{t.get('file')} (the file is corrupt or was modified)")


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
