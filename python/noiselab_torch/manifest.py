"""The setup sections of a checkpoint's manifest, validated as the engine validates them, and the tensors each model
needs.

The engine reads ``dataset``, ``model``, ``schedule``, ``objective``, ``training``, ``seeds`` and ``initialisedFrom``
strictly (``ManifestCodec`` with ``JsonFields``): every field is required and typed, unknown kinds are refused, and the
values go through the spec records' own range checks (``MlpSpec``, ``ClassifierSpec``, ``UNetSpec``,
``ConvClassifierSpec``, ``ScheduleSpec``, ``ObjectiveSpec``, ``LearningRateSchedule``, ``AdamWSpec``,
``TrainingConfig``, ``TrainingSetup``). :func:`read_setup` makes the same checks in the same order and raises
:class:`~noiselab_torch.checkpoint.CheckpointFormatError` with the engine's message (``model is invalid: width = 0:
must lie in 1..4096``, ``model.width must be an integer``).

Typing follows Jackson's tree: an *integer* is an integral JSON number that fits a Java ``int`` (``3.0`` and ``true``
are not integers), a *64-bit integer* one that fits a ``long``, a *number* any JSON number whose double value is
finite, a *string* a JSON string; a field given as ``null`` counts as absent only where the engine asks whether it is
there (``labelDropout``, ``initialisedFrom``).

The dataset's name must be a string and nothing more: the engine reads any name (a toy of ``toy-datasets`` or an
image folder's) and checks it only when the data is loaded, so a checkpoint of an unknown dataset still opens.

:func:`expected_tensors` lists the name and shape of every tensor a model's file must hold, in the engine's order
(``ModelTensors``): dense networks as PyTorch's ``Linear`` (``layers.{l}.weight`` ``[out, in]``), image models as
their slices lie in memory (convolutions ``[kh, kw, in, out]``); :func:`parameter_count` is their total.
"""

import math
import re
from dataclasses import dataclass
from typing import Optional

from . import jsoncompat

INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1
ACTIVATIONS = ("RELU", "SILU", "GELU", "TANH")
MODEL_KINDS = ("mlp", "classifier-mlp", "unet", "classifier-unet")
OBJECTIVES = ("ddpm", "itd", "cdl", "ddpm+cdl", "cdm")
OBJECTIVE_NAMES = "ddpm, itd, cdl, ddpm+cdl, cdm"
DEFAULT_LABEL_DROPOUT = 0.1
MAX_DENSE_PARAMETERS = 200_000_000
GROUPS = 8
NOISE_FREQUENCIES = 16
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _error(message):
    from .checkpoint import CheckpointFormatError
    return CheckpointFormatError(message)


class InvalidConfig(ValueError):
    """A spec record's refusal (the engine's ``InvalidConfigException``): ``field = value: requirement``."""

    def __init__(self, field, value, requirement):
        super().__init__(f"{field}: {requirement}" if value is None else
                         f"{field} = {_readable(value)}: {requirement}")


def _java(value):
    """``String.valueOf`` of a Java int, double or boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return jsoncompat.java_double(value)
    return str(value)


def _readable(value):
    s = _java(value)
    if len(s) > 80:
        s = s[:77] + f"... ({len(s)} characters)"
    return "".join("?" if ord(c) < 0x20 or ord(c) == 0x7f else c for c in s)


class Fields:
    """Strict accessors of one JSON object, naming the field's full path in every error (the engine's JsonFields)."""

    def __init__(self, node, path, source):
        if not isinstance(node, dict):
            raise _error(f"{source}: {path or 'the document'} must be a JSON object")
        self.node = node
        self.path = path
        self.source = source

    def qualified(self, name):
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name, problem):
        return _error(f"{self.source}: {self.qualified(name)} {problem}")

    def invalid(self, problem):
        return _error(f"{self.source}: {problem}")

    def object(self, name):
        return Fields(self.node.get(name), self.qualified(name), self.source)

    def has(self, name):
        return self.node.get(name) is not None

    def text(self, name):
        v = self.node.get(name)
        if not isinstance(v, str):
            raise self.fail(name, "must be a string")
        return v

    def _integral(self, name, lo, hi, problem):
        v = self.node.get(name)
        if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
            raise self.fail(name, problem)
        return v

    def integer(self, name):
        return self._integral(name, INT_MIN, INT_MAX, "must be an integer")

    def long(self, name):
        return self._integral(name, LONG_MIN, LONG_MAX, "must be a 64-bit integer")

    def number(self, name):
        v = self.node.get(name)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.fail(name, "must be a finite number")
        try:
            x = float(v)
        except OverflowError:
            x = math.inf
        if not math.isfinite(x):
            raise self.fail(name, "must be a finite number")
        return x

    def boolean(self, name):
        v = self.node.get(name)
        if not isinstance(v, bool):
            raise self.fail(name, "must be true or false")
        return v


def _validated(where, section, build):
    """Runs a spec's checks; a refusal becomes a format error naming the section, as the engine's ``validated``."""
    try:
        return build()
    except InvalidConfig as e:
        raise where.invalid(f"{section} is invalid: {e}") from None


def _check(field, v, lo, hi):
    if v < lo or v > hi:
        raise InvalidConfig(field, v, f"must lie in {lo}..{hi}")


@dataclass(frozen=True)
class Setup:
    """A validated setup: each section as a dict of its typed fields (``kind`` first where there is one)."""

    dataset: str
    model: dict
    schedule: dict
    objective: dict
    training: dict
    seeds: dict
    init: Optional[dict]


def read_setup(root, source):
    """Reads and checks the setup sections of a parsed manifest ``root`` (a dict) as the engine does.

    ``source`` prefixes every message (``NAME.nlab/manifest.json``). Returns a :class:`Setup`; raises
    ``CheckpointFormatError`` naming the first field the engine would refuse.
    """
    r = Fields(root, "", source)
    dataset = r.object("dataset").text("name")
    model = _read_model(r.object("model"))
    schedule = _read_schedule(r.object("schedule"))
    objective = _validated(r, "objective", lambda: _read_objective(r.object("objective")))
    training = _read_training(r.object("training"))
    s = r.object("seeds")
    seeds = {k: s.long(k) for k in ("data", "init", "train", "sample")}
    init = _validated(r, "initialisedFrom", lambda: _read_init(r.object("initialisedFrom"))) \
        if r.has("initialisedFrom") else None
    _validated(r, "setup", lambda: _check_setup(model, schedule, objective))
    return Setup(dataset, model, schedule, objective, training, seeds, init)


# --- model ------------------------------------------------------------------------------------------------------


def _activation(m):
    name = m.text("activation")
    for a in ACTIVATIONS:
        if _equals_ignore_case(a, name):
            return a.lower()
    raise m.fail("activation", f"'{name}' is not one of relu, silu, gelu, tanh")


def _equals_ignore_case(upper, name):
    """Java's ``String.equalsIgnoreCase`` against an upper-case ASCII name (char by char, single-char case maps)."""
    if len(name.encode("utf-16-le")) != 2 * len(upper):
        return False
    for a, c in zip(upper, name):
        u = c.upper() if len(c.upper()) == 1 else c
        l = u.lower() if len(u.lower()) == 1 else u
        if not (c == a or u == a or l == a.lower()):
            return False
    return True


def _dense(dim, width, depth, input_frequencies, class_count, classifier_levels=None, noise_frequencies=None):
    _check("dim", dim, 1, 64)
    _check("width", width, 1, 4096)
    _check("depth", depth, 1, 32)
    _check("inputFrequencies", input_frequencies, 0, 512)
    if noise_frequencies is not None:
        _check("noiseFrequencies", noise_frequencies, 1, 512)
    if classifier_levels is not None:
        _check("levels", classifier_levels, 3, 100_002)
    _check("classCount", class_count, 0, 10_000)


def _positive_scale(field, x):
    if not (0 < x < 1e6):
        raise InvalidConfig(field, x, "must be positive")


def _mlp(m):
    spec = {"kind": "mlp", "dim": m.integer("dim"), "width": m.integer("width"), "depth": m.integer("depth"),
            "activation": _activation(m), "inputFrequencies": m.integer("inputFrequencies"),
            "inputScale": m.number("inputScale"), "noiseFrequencies": m.integer("noiseFrequencies"),
            "noiseScale": m.number("noiseScale"), "classCount": m.integer("classCount")}
    _dense(spec["dim"], spec["width"], spec["depth"], spec["inputFrequencies"], spec["classCount"],
           noise_frequencies=spec["noiseFrequencies"])
    _positive_scale("inputScale", spec["inputScale"])
    _positive_scale("noiseScale", spec["noiseScale"])
    return spec


def _classifier_mlp(m):
    spec = {"kind": "classifier-mlp", "dim": m.integer("dim"), "width": m.integer("width"),
            "depth": m.integer("depth"), "activation": _activation(m),
            "inputFrequencies": m.integer("inputFrequencies"), "inputScale": m.number("inputScale"),
            "levels": m.integer("levels"), "classCount": m.integer("classCount")}
    _dense(spec["dim"], spec["width"], spec["depth"], spec["inputFrequencies"], spec["classCount"],
           classifier_levels=spec["levels"])
    if spec["activation"] == "relu":
        raise InvalidConfig("activation", "relu", "a classification diffusion model needs a smooth activation "
                                                  "(its denoiser is an input gradient)")
    _positive_scale("inputScale", spec["inputScale"])
    return spec


def _check_unet(channels, height, width, base, levels, class_count):
    _check("channels", channels, 1, 4)
    _check("levels", levels, 1, 4)
    _check("height", height, 2, 256)
    _check("width", width, 2, 256)
    _check("baseChannels", base, GROUPS, 256)
    _check("classCount", class_count, 0, 1000)
    factor = 1 << (levels - 1)
    if height % factor or width % factor:
        raise InvalidConfig("levels", levels, f"a {height}x{width} image cannot be halved {levels - 1} times (height "
                                              f"and width must be multiples of {factor})")
    if base % GROUPS:
        raise InvalidConfig("baseChannels", base, f"must be a multiple of {GROUPS}")


def _unet(m):
    spec = {"kind": "unet", "channels": m.integer("channels"), "height": m.integer("height"),
            "width": m.integer("width"), "baseChannels": m.integer("baseChannels"), "levels": m.integer("levels"),
            "classCount": m.integer("classCount")}
    _check_unet(spec["channels"], spec["height"], spec["width"], spec["baseChannels"], spec["levels"],
                spec["classCount"])
    return spec


def _classifier_unet(m):
    spec = {"kind": "classifier-unet", "channels": m.integer("channels"), "height": m.integer("height"),
            "width": m.integer("width"), "baseChannels": m.integer("baseChannels"),
            "resolutions": m.integer("resolutions"), "levels": m.integer("levels"),
            "classCount": m.integer("classCount")}
    # the encoder shares the U-Net's constraints (its class count capped at the U-Net's limit)
    _check_unet(spec["channels"], spec["height"], spec["width"], spec["baseChannels"], spec["resolutions"],
                min(spec["classCount"], 1000))
    _check("levels", spec["levels"], 3, 100_002)
    if spec["classCount"] > 1000:
        raise InvalidConfig("classCount", spec["classCount"], "must lie in 0..1000")
    return spec


_MODELS = {"mlp": _mlp, "classifier-mlp": _classifier_mlp, "unet": _unet, "classifier-unet": _classifier_unet}


def _read_model(m):
    kind = m.text("kind")
    if kind not in _MODELS:
        raise m.fail("kind", f"'{kind}' is not a known model (expected mlp, classifier-mlp, unet or "
                             f"classifier-unet)")
    spec = _validated(m, "model", lambda: _MODELS[kind](m))
    declared = m.integer("parameterCount")
    count = parameter_count(spec, source=m)
    if declared != count:
        raise m.fail("parameterCount", f"is {declared} but the architecture has {count}")
    spec["parameterCount"] = count
    return spec


# --- tensors ----------------------------------------------------------------------------------------------------


def _dense_layers(spec):
    dim = spec["dim"]
    f_in = spec["inputFrequencies"]
    if spec["kind"] == "mlp":
        features = dim + 2 * f_in * dim + 2 * spec["noiseFrequencies"]
        readout = dim
    else:
        features = dim + 2 * f_in * dim
        readout = spec["levels"]
    depth, width = spec["depth"], spec["width"]
    return [(features if l == 0 else width, readout if l == depth else width) for l in range(depth + 1)]


def _res_block(name, cin, cout, embedding):
    out = [(f"{name}.norm1.weight", [cin]), (f"{name}.norm1.bias", [cin]),
           (f"{name}.conv1.weight", [3, 3, cin, cout]), (f"{name}.conv1.bias", [cout]),
           (f"{name}.emb_proj.weight", [embedding, cout]), (f"{name}.emb_proj.bias", [cout]),
           (f"{name}.norm2.weight", [cout]), (f"{name}.norm2.bias", [cout]),
           (f"{name}.conv2.weight", [3, 3, cout, cout]), (f"{name}.conv2.bias", [cout])]
    if cin != cout:
        out += [(f"{name}.skip.weight", [1, 1, cin, cout]), (f"{name}.skip.bias", [cout])]
    return out


def _unet_tensors(spec):
    base, levels, channels = spec["baseChannels"], spec["levels"], spec["channels"]
    e = 4 * base

    def at(l):
        return base if l == 0 else 2 * base

    out = [("time_embed.0.weight", [2 * NOISE_FREQUENCIES, e]), ("time_embed.0.bias", [e]),
           ("time_embed.2.weight", [e, e]), ("time_embed.2.bias", [e])]
    if spec["classCount"] > 0:
        out.append(("class_embedding.weight", [spec["classCount"] + 1, e]))
    out += [("conv_in.weight", [3, 3, channels, base]), ("conv_in.bias", [base])]
    c = at(0)
    for l in range(levels):
        out += _res_block(f"down.{l}", c, at(l), e)
        c = at(l)
    out += _res_block("mid", c, c, e)
    for l in range(levels - 1, -1, -1):
        below = at(levels - 1) if l == levels - 1 else at(l + 1)
        out += _res_block(f"up.{l}", below + at(l), at(l), e)
    out += [("norm_out.weight", [base]), ("norm_out.bias", [base]),
            ("conv_out.weight", [3, 3, base, channels]), ("conv_out.bias", [channels])]
    return out


def _conv_classifier_tensors(spec):
    base, resolutions = spec["baseChannels"], spec["resolutions"]
    e = 4 * base

    def at(r):
        return base if r == 0 else 2 * base

    out = [("class_embedding.weight", [spec["classCount"] + 1, e]),
           ("conv_in.weight", [3, 3, spec["channels"], base]), ("conv_in.bias", [base])]
    c = at(0)
    for r in range(resolutions):
        out += _res_block(f"down.{r}", c, at(r), e)
        c = at(r)
    out += _res_block("mid", c, c, e)
    out += [("head.norm.weight", [c]), ("head.norm.bias", [c]), ("head.conv.weight", [3, 3, c, 2 * c]),
            ("head.conv.bias", [2 * c]), ("head.readout.weight", [2 * c, spec["levels"]]),
            ("head.readout.bias", [spec["levels"]])]
    return out


def expected_tensors(spec):
    """``[(name, shape)]`` of every tensor a weights (or EMA) file of this validated model must hold, in order."""
    kind = spec["kind"]
    if kind == "unet":
        return _unet_tensors(spec)
    if kind == "classifier-unet":
        return _conv_classifier_tensors(spec)
    out = []
    for l, (i, o) in enumerate(_dense_layers(spec)):
        out += [(f"layers.{l}.weight", [o, i]), (f"layers.{l}.bias", [o])]
    if spec["classCount"] > 0:
        out.append(("class_embedding.weight", [spec["classCount"] + 1, spec["width"]]))
    return out


def parameter_count(spec, source=None):
    """Scalar parameters of a validated model (the engine's ``parameterCount()``).

    A dense network beyond 200 million parameters is refused (naming ``width``, as ``DenseShape`` does); with
    ``source`` (a :class:`Fields`) the refusal is a format error of the ``model`` section.
    """
    if spec["kind"] in ("mlp", "classifier-mlp"):
        count = sum(i * o + o for i, o in _dense_layers(spec))
        count += (spec["classCount"] + 1) * spec["width"] if spec["classCount"] else 0
        if count > MAX_DENSE_PARAMETERS:
            problem = InvalidConfig("width", spec["width"], f"model would have {count} parameters")
            if source is None:
                raise problem
            raise source.invalid(f"model is invalid: {problem}")
        return count
    return sum(math.prod(shape) for _, shape in expected_tensors(spec))


# --- schedule, objective, training, initial weights -------------------------------------------------------------


def _steps(steps):
    if steps < 1 or steps > 100_000:
        raise InvalidConfig("timesteps", steps, "need 1 <= T <= 100000")


def _read_schedule(s):
    kind = s.text("kind")

    def build():
        if kind == "linear":
            spec = {"kind": kind, "steps": s.integer("steps"), "betaStart": s.number("betaStart"),
                    "betaEnd": s.number("betaEnd")}
            _steps(spec["steps"])
            a, b = spec["betaStart"], spec["betaEnd"]
            if not (0 < a <= b < 1):
                raise InvalidConfig("betas", f"{_java(a)}..{_java(b)}", "need 0 < start <= end < 1")
            return spec
        if kind == "cosine":
            spec = {"kind": kind, "steps": s.integer("steps"), "offset": s.number("offset")}
            _steps(spec["steps"])
            if not (0 <= spec["offset"] < 1):
                raise InvalidConfig("offset", spec["offset"], "need 0 <= s < 1")
            return spec
        if kind == "uniform":
            spec = {"kind": kind, "steps": s.integer("steps")}
            _steps(spec["steps"])
            return spec
        raise s.fail("kind", f"'{kind}' is not linear, cosine or uniform")

    return _validated(s, "schedule", build)


def _weight(field, x):
    if not (0 <= x <= 1e6):
        raise InvalidConfig(field, x, "must lie in [0, 1e6]")


def _read_objective(o):
    kind = o.text("kind")
    if kind not in OBJECTIVES:
        raise InvalidConfig("objective", kind, f"available objectives: {OBJECTIVE_NAMES}")
    if kind == "cdm":
        spec = {"kind": kind, "ceWeight": o.number("ceWeight"), "mseWeight": o.number("mseWeight")}
        _weight("ce-weight", spec["ceWeight"])
        _weight("mse-weight", spec["mseWeight"])
        if spec["ceWeight"] == 0 and spec["mseWeight"] == 0:
            raise InvalidConfig("ce-weight", spec["ceWeight"], "and mse-weight cannot both be 0")
        return spec
    if kind in ("ddpm", "itd"):
        return {"kind": kind}
    spec = {"kind": kind, "cdlWeight": o.number("cdlWeight"), "cdlSamples": o.integer("cdlSamples"),
            "cdlPoints": o.integer("cdlPoints")}
    _weight("cdl-weight", spec["cdlWeight"])
    if not 1 <= spec["cdlSamples"] <= 100_000:
        raise InvalidConfig("cdl-samples", spec["cdlSamples"], "must lie in 1..100000")
    if not 0 <= spec["cdlPoints"] <= 100_000:
        raise InvalidConfig("cdl-points", spec["cdlPoints"], "must lie in 0..100000 (0 = batch size)")
    return spec


def _read_training(c):
    lr = c.object("learningRate")
    opt = c.object("optimizer")
    if opt.text("kind") != "adamw":
        raise opt.fail("kind", "must be adamw")

    def build():
        spec = {"steps": c.integer("steps"), "batchSize": c.integer("batchSize")}
        rate = {"peak": lr.number("peak"), "warmupSteps": lr.integer("warmupSteps"), "cosine": lr.boolean("cosine"),
                "finalFraction": lr.number("finalFraction")}
        if not (0 < rate["peak"] < 10):
            raise InvalidConfig("learningRate", rate["peak"], "must lie in (0, 10)")
        if rate["warmupSteps"] < 0:
            raise InvalidConfig("warmupSteps", rate["warmupSteps"], "must be >= 0")
        if not (0 <= rate["finalFraction"] <= 1):
            raise InvalidConfig("finalFraction", rate["finalFraction"], "must lie in [0, 1]")
        adam = {"kind": "adamw"}
        for k in ("beta1", "beta2", "epsilon", "weightDecay", "clipNorm"):
            adam[k] = opt.number(k)
        for k in ("beta1", "beta2"):
            if not (0 <= adam[k] < 1):
                raise InvalidConfig(k, adam[k], "must lie in [0, 1)")
        if not adam["epsilon"] > 0:
            raise InvalidConfig("epsilon", adam["epsilon"], "must be positive")
        if not (0 <= adam["weightDecay"] < 1):
            raise InvalidConfig("weightDecay", adam["weightDecay"], "must lie in [0, 1)")
        if not adam["clipNorm"] >= 0:
            raise InvalidConfig("clipNorm", adam["clipNorm"], "must be finite and >= 0 (0 = no clipping)")
        spec["learningRate"] = rate
        spec["optimizer"] = adam
        spec["emaDecay"] = c.number("emaDecay")
        spec["labelDropout"] = c.number("labelDropout") if c.has("labelDropout") else DEFAULT_LABEL_DROPOUT
        if not 1 <= spec["steps"] <= 100_000_000:
            raise InvalidConfig("steps", spec["steps"], "must lie in 1..100000000")
        if not 1 <= spec["batchSize"] <= 1_000_000:
            raise InvalidConfig("batch", spec["batchSize"], "must lie in 1..1000000")
        if not (0 <= spec["emaDecay"] < 1):
            raise InvalidConfig("emaDecay", spec["emaDecay"], "must lie in [0, 1)")
        if not (0 <= spec["labelDropout"] <= 1):
            raise InvalidConfig("labelDropout", spec["labelDropout"], "must lie in [0, 1]")
        return spec

    return _validated(c, "training", build)


class _Refusal(InvalidConfig):
    """A plain ``IllegalArgumentException`` of a record (its message as is)."""

    def __init__(self, message):
        ValueError.__init__(self, message)


def _read_init(o):
    spec = {"source": o.text("source"), "step": o.integer("step"), "parametersSha256": o.text("parametersSha256")}
    if spec["step"] < 0:
        raise _Refusal("step must be >= 0")
    if not _SHA256.fullmatch(spec["parametersSha256"]):
        raise _Refusal(f"not a SHA-256 digest: {spec['parametersSha256']}")
    return spec


def _check_setup(model, schedule, objective):
    cdm = objective["kind"] == "cdm"
    classifier = model["kind"].startswith("classifier-")
    if cdm != classifier:
        raise InvalidConfig("objective", objective["kind"], f"trains a noise-level classifier, not a {model['kind']}"
                            if cdm else "trains a denoising network; a noise-level classifier trains only with cdm")
    if classifier and model["levels"] != schedule["steps"] + 2:
        raise InvalidConfig("model.levels", model["levels"], f"the schedule has T = {schedule['steps']}, so the "
                            f"classifier needs T + 2 = {schedule['steps'] + 2} levels")
