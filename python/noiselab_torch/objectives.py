"""Twins of the engine's training objectives (``org.noiselab.engine.objective``) and of the data -> batch step.

The engine's ``lossAndGradient(model, batch, rng)`` draws its noise levels and noise from a Java ``SplittableRandom``,
which Python cannot reproduce. Here every loss is split in two:

* ``draw(batch, generator)`` makes the random draws with a ``torch.Generator`` (for training in PyTorch), and
* ``loss(model, batch, draws)`` evaluates the loss for given draws as a differentiable float64 scalar;
  ``loss.backward()`` then leaves the parameter gradients in ``p.grad``.

A parity test hands ``loss`` the very draws the engine made, so loss values and gradients can be compared one to one.
The draws are in the units the engine draws them: uniforms for the log-SNR proposal (one ``nextDouble`` per draw),
integer levels, and standard normal noise (float32 where the engine rounds it to float, float64 where it does not).

Models (the twins in ``noiselab_torch.models``): a denoiser is called ``model(x, log_snr, labels) -> eps_hat`` with
``x`` ``[n, d]`` float32, ``log_snr`` ``[n]`` float32 and ``labels`` ``[n]`` int64 or ``None``; a noise-level
classifier exposes ``model.logits(x, labels) -> [n, T + 2]``.

Numbers follow the engine: points are noised in float64 and rounded to float32 (``x_t = float(sqrt(abar) x_0 +
sigma eps)``), networks run in float32, and losses are accumulated in float64.
"""

import math
from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------------------------
# Data -> batch


@dataclass
class TrainingBatch:
    """Clean training points for one step (``engine.data.TrainingBatch``).

    ``x0``: ``[n, d]`` float32; ``labels``: ``[n]`` int64 class per row (``class_count`` is the null class), or None.
    """

    x0: torch.Tensor
    labels: Optional[torch.Tensor] = None

    @property
    def n(self):
        return self.x0.shape[0]

    @property
    def dim(self):
        return self.x0.shape[1]


def drop_labels(labels, null_class, p, uniforms):
    """Classifier-free guidance training (the engine's ``TrainingSession.dropLabels``): label i becomes the null class
    where ``u_i < p``, with one uniform per row (the engine draws them from their own stream, so the data and noise of
    a step do not depend on them; with ``p = 0`` it draws none and keeps every label)."""
    if labels is None or p == 0:
        return labels
    uniforms = torch.as_tensor(uniforms, dtype=torch.float64)
    return torch.where(uniforms < p, torch.full_like(labels, null_class), labels)


class TensorTrainingData:
    """A fixed set of points (and labels) to draw batches from with replacement, with its per-dimension variances.

    The engine's toy data (``ToyTrainingData``) draws fresh points from a mixture with Java's generator and reports
    the mixture's exact variances; this is the PyTorch-side counterpart for points one already has.
    """

    def __init__(self, points, labels=None, class_count=0, variances=None):
        self.points = torch.as_tensor(points, dtype=torch.float32)
        self.labels = None if labels is None else torch.as_tensor(labels, dtype=torch.int64)
        self.class_count = class_count
        self.variances = (torch.as_tensor(variances, dtype=torch.float64) if variances is not None
                          else self.points.double().var(dim=0, unbiased=False))

    @property
    def dim(self):
        return self.points.shape[1]

    def draw(self, n, generator=None, label_dropout=0.0):
        """A batch of n rows; a conditional batch's labels dropped to the null class with probability
        ``label_dropout``."""
        index = torch.randint(self.points.shape[0], (n,), generator=generator)
        labels = None
        if self.labels is not None and self.class_count > 0:
            labels = drop_labels(self.labels[index], self.class_count, label_dropout,
                                 torch.rand(n, generator=generator, dtype=torch.float64))
        return TrainingBatch(self.points[index], labels)


# ---------------------------------------------------------------------------------------------------------------
# The pieces of the ITD estimate (engine.likelihood)


def sigmoid64(x):
    """``sigmoid`` in float64, as ``NoiseSchedule.alphaBarOfLogSnr``."""
    return torch.sigmoid(torch.as_tensor(x, dtype=torch.float64))


class GaussianReference:
    """The Gaussian with the data's per-dimension variances ``v_j``: entropy ``h_G = d/2 log(2 pi e) + 1/2 sum log
    v_j`` and ``mmse_G(lambda) = sum_j sigmoid(lambda + log v_j)`` (Kong et al. 2023)."""

    def __init__(self, variances):
        self.variances = torch.as_tensor(variances, dtype=torch.float64)
        if not bool(torch.all((self.variances > 0) & torch.isfinite(self.variances))):
            raise ValueError("variances must be positive and finite")

    def entropy(self):
        d = self.variances.numel()
        return 0.5 * d * math.log(2 * math.pi * math.e) + 0.5 * float(torch.log(self.variances).sum())

    def mmse(self, log_snr):
        lam = torch.as_tensor(log_snr, dtype=torch.float64)
        return torch.sigmoid(lam.unsqueeze(-1) + torch.log(self.variances)).sum(-1)


class LogSnrProposal:
    """The truncated logistic proposal of log-SNR values: ``p = sigmoid(-c) + (sigmoid(c) - sigmoid(-c)) u``,
    ``lambda = loc + scale logit(p)``, importance weight ``w = scale tanh(c/2) / (sigmoid(v) sigmoid(-v))`` with
    ``v = (lambda - loc) / scale``; a share ``s`` of uniform draws on the same range is allowed for evaluation."""

    DEFAULT_CLIP = 3.0

    def __init__(self, loc, scale, clip=DEFAULT_CLIP, uniform_share=0.0):
        if not math.isfinite(loc):
            raise ValueError("loc must be finite")
        if not (0 < scale < 1e3):
            raise ValueError("scale must be positive")
        if not (0 < clip <= 20):
            raise ValueError("clip must lie in (0, 20]")
        if not (0 <= uniform_share < 1):
            raise ValueError("uniform share must lie in [0, 1)")
        self.loc, self.scale, self.clip, self.uniform_share = float(loc), float(scale), float(clip), uniform_share

    @classmethod
    def for_variances(cls, variances, clip=DEFAULT_CLIP):
        """``loc = -mean(log v)``, ``scale = 3`` for ``d <= 2`` else ``sqrt(1 + 3/pi var(log v))``."""
        logs = [math.log(float(v)) for v in variances]
        d = len(logs)
        mean = sum(logs) / d
        var = sum((x - mean) ** 2 for x in logs) / d
        return cls(-mean, 3.0 if d <= 2 else math.sqrt(1 + 3 / math.pi * var), clip)

    @property
    def min(self):
        return self.loc - self.clip * self.scale

    @property
    def max(self):
        return self.loc + self.clip * self.scale

    def sample(self, u):
        """The log-SNR of uniforms ``u`` (float64; one per draw, as the engine's one ``nextDouble`` per draw)."""
        u = torch.as_tensor(u, dtype=torch.float64)
        s = self.uniform_share
        lo = 1 / (1 + math.exp(self.clip))
        hi = 1 / (1 + math.exp(-self.clip))
        if s > 0:
            uniform = self.min + (self.max - self.min) * (u / s)
            logistic_u = (u - s) / (1 - s)
        else:
            logistic_u = u
        p = lo + (hi - lo) * logistic_u
        lam = self.loc + self.scale * torch.log(p / (1 - p))
        return torch.where(u < s, uniform, lam) if s > 0 else lam

    def weight(self, log_snr):
        """The importance weight ``1 / density``."""
        lam = torch.as_tensor(log_snr, dtype=torch.float64)
        v = (lam - self.loc) / self.scale
        logistic = torch.sigmoid(v) * torch.sigmoid(-v) / (self.scale * math.tanh(self.clip / 2))
        if self.uniform_share == 0:
            return 1 / logistic
        return 1 / (self.uniform_share / (self.max - self.min) + (1 - self.uniform_share) * logistic)


@dataclass
class ItdDraws:
    """The draws of an ITD estimate's rows: ``u`` ``[rows]`` float64 (the proposal's uniforms) and ``eps``
    ``[rows, d]`` float32 (the engine rounds this noise to float). Row ``r`` belongs to group ``r // points``."""

    u: torch.Tensor
    eps: torch.Tensor

    @staticmethod
    def draw(rows, dim, generator=None):
        return ItdDraws(torch.rand(rows, generator=generator, dtype=torch.float64),
                        torch.randn(rows, dim, generator=generator, dtype=torch.float32))


class ItdTerms:
    """The rows of an ITD estimate (``engine.likelihood.ItdTerms``): group g estimates ``-log p(x_g)``, or the noised
    density ``-log p_zeta(x_g)`` when ``zeta_g`` is not NaN, with ``points`` log-SNR draws:

    ``-log p(x) ~= h_G + 1/2 mean_k w(l_k) (||eps_k - r_k eps_hat(z_k, l'_k)||^2 - mmse_G(l_k))``,
    ``z_k = sqrt(sigmoid l_k) x + sqrt(sigmoid -l_k) eps_k``; for the clean density ``l' = l`` and ``r = 1``, for
    ``p_zeta`` the network is queried where ``z_k`` sits, ``l' = logit(sigmoid(l) sigmoid(zeta))``, and rescaled by
    ``r = sqrt(sigmoid(-l) / sigmoid(-l'))``.
    """

    def __init__(self, reference, proposal, x, zeta, points, draws):
        x = torch.as_tensor(x, dtype=torch.float32)
        groups = x.shape[0]
        zeta = torch.as_tensor(zeta, dtype=torch.float64)
        self.reference, self.groups, self.points = reference, groups, points
        lam = proposal.sample(draws.u)
        a = sigmoid64(lam)
        rows_x = x.double().repeat_interleave(points, dim=0)
        self.eps = draws.eps.to(torch.float32)
        self.inputs = (torch.sqrt(a).unsqueeze(1) * rows_x
                       + torch.sqrt(1 - a).unsqueeze(1) * self.eps.double()).to(torch.float32)
        self.weight = proposal.weight(lam)
        self.mmse = reference.mmse(lam)
        zeta_rows = zeta.repeat_interleave(points)
        noised = ~torch.isnan(zeta_rows)
        combined = a * sigmoid64(torch.where(noised, zeta_rows, torch.zeros_like(zeta_rows)))
        query = torch.where(noised, torch.log(combined) - torch.log1p(-combined), lam)
        self.query_log_snr = query.to(torch.float32)
        self.rescale = torch.where(noised, torch.sqrt((1 - a) / (1 - combined)), torch.ones_like(a))

    @property
    def rows(self):
        return self.groups * self.points

    def evaluate(self, out):
        """Per-group ``-log p`` estimates (float64, differentiable in ``out``, the network's ``[rows, d]`` output)."""
        diff = self.rescale.unsqueeze(1) * out.double() - self.eps.double()
        mse = (diff * diff).sum(1)
        terms = (self.weight * (mse - self.mmse)).view(self.groups, self.points)
        return self.reference.entropy() + 0.5 * terms.sum(1) / self.points


# ---------------------------------------------------------------------------------------------------------------
# Objective specs (what a manifest's "objective" section means)


@dataclass(frozen=True)
class ContrastiveSettings:
    """How much contrastive loss to add: ``samples`` CDL terms per batch, each density estimated with ``points``
    log-SNR draws (0 = the batch size), the sum divided by that number and multiplied by ``weight``."""

    weight: float = 1.0
    samples: int = 2
    points: int = 0

    def __post_init__(self):
        if not (0 <= self.weight <= 1e6):
            raise ValueError(f"cdl-weight {self.weight} must lie in [0, 1e6]")
        if not (1 <= self.samples <= 100_000):
            raise ValueError(f"cdl-samples {self.samples} must lie in 1..100000")
        if not (0 <= self.points <= 100_000):
            raise ValueError(f"cdl-points {self.points} must lie in 0..100000 (0 = batch size)")

    def points_for(self, batch_size):
        return batch_size if self.points == 0 else self.points


@dataclass(frozen=True)
class ObjectiveSpec:
    """One of the engine's objectives: kind ``ddpm``, ``itd``, ``cdl`` (ITD + CDL), ``ddpm+cdl`` or ``cdm``; with
    contrastive settings for the CDL kinds and the two CDM weights for ``cdm``."""

    kind: str
    contrastive: Optional[ContrastiveSettings] = None
    ce_weight: float = 0.01
    mse_weight: float = 1.0

    KINDS = ("ddpm", "itd", "cdl", "ddpm+cdl", "cdm")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"objective '{self.kind}': available objectives: {', '.join(self.KINDS)}")
        if self.kind == "cdm":
            if not (0 <= self.ce_weight <= 1e6):
                raise ValueError(f"ce-weight {self.ce_weight} must lie in [0, 1e6]")
            if not (0 <= self.mse_weight <= 1e6):
                raise ValueError(f"mse-weight {self.mse_weight} must lie in [0, 1e6]")
            if self.ce_weight == 0 and self.mse_weight == 0:
                raise ValueError("ce-weight and mse-weight cannot both be 0")

    @classmethod
    def parse(cls, kind):
        """The objective of a name with default settings (``ObjectiveSpec.parse``)."""
        if kind in ("cdl", "ddpm+cdl"):
            return cls(kind, ContrastiveSettings())
        return cls(kind)

    @classmethod
    def from_manifest(cls, section):
        """The objective of a manifest's ``objective`` section, read as the engine's ``ManifestCodec`` reads it."""
        kind = section["kind"]
        if kind == "cdm":
            return cls(kind, ce_weight=float(section["ceWeight"]), mse_weight=float(section["mseWeight"]))
        if kind in ("cdl", "ddpm+cdl"):
            return cls(kind, ContrastiveSettings(float(section["cdlWeight"]), int(section["cdlSamples"]),
                                                 int(section["cdlPoints"])))
        return cls(kind)


# ---------------------------------------------------------------------------------------------------------------
# The losses


def _alpha_bars(schedule):
    """``abar_t`` for ``t = 0..T+1`` as a float64 tensor, from a schedule twin or a table."""
    table = getattr(schedule, "alpha_bars", schedule)
    if callable(table):
        table = table()
    return torch.as_tensor(table, dtype=torch.float64).flatten()


def _dtype(model):
    """The floating type of a model's parameters: its inputs are cast to it (float32 for parity with the engine,
    float64 for a gradient check of the very same function; the inputs are rounded to float32 first either way)."""
    for p in model.parameters():
        return p.dtype
    return torch.float32


def _noised(x0, scale, sigma, eps):
    """``float(scale x_0 + sigma eps)`` row by row, computed in float64 as the engine does."""
    return (scale.unsqueeze(1) * x0.double() + sigma.unsqueeze(1) * eps.double()).to(torch.float32)


@dataclass
class DdpmDraws:
    """``t`` ``[n]`` int64 in ``1..T``; ``eps`` ``[n, d]`` float32."""

    t: torch.Tensor
    eps: torch.Tensor


class DdpmLoss:
    """The simple DDPM objective (Ho et al. 2020, eq. 14): ``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps``, loss
    ``1/n sum_i ||eps_i - eps_hat(x_t,i, lambda_t)||^2`` (summed over dimensions, averaged over the batch)."""

    kind = "ddpm"

    def __init__(self, schedule):
        self.alpha_bars = _alpha_bars(schedule)
        self.steps = self.alpha_bars.numel() - 2
        a = self.alpha_bars
        self.log_snr = (torch.log(a) - torch.log1p(-a)).to(torch.float32)

    def draw(self, batch, generator=None):
        return DdpmDraws(torch.randint(1, self.steps + 1, (batch.n,), generator=generator),
                         torch.randn(batch.n, batch.dim, generator=generator))

    def loss(self, model, batch, draws):
        a = self.alpha_bars[draws.t]
        xt = _noised(batch.x0, torch.sqrt(a), torch.sqrt(1 - a), draws.eps)
        dtype = _dtype(model)
        out = model(xt.to(dtype), self.log_snr[draws.t].to(dtype), batch.labels)
        diff = out.double() - draws.eps.double()
        return (diff * diff).sum() / batch.n


class ItdLoss:
    """The ITD training loss (Kong et al. 2023): the batch mean of one-point estimates ``-log p(x_i) ~= h_G + 1/2
    w(l_i) (||eps_i - eps_hat(z_i, l_i)||^2 - mmse_G(l_i))`` with ``l_i`` from the truncated logistic proposal."""

    kind = "itd"

    def __init__(self, reference, proposal):
        self.reference, self.proposal = reference, proposal

    def draw(self, batch, generator=None):
        return ItdDraws.draw(batch.n, batch.dim, generator)

    def loss(self, model, batch, draws):
        zeta = torch.full((batch.n,), float("nan"), dtype=torch.float64)
        terms = ItdTerms(self.reference, self.proposal, batch.x0, zeta, 1, draws)
        dtype = _dtype(model)
        out = model(terms.inputs.to(dtype), terms.query_log_snr.to(dtype), batch.labels)
        return terms.evaluate(out).mean()


@dataclass
class ContrastiveDraws:
    """Per contrastive sample i: ``u`` ``[count]`` float64 (its noise level's uniform), ``y`` ``[count]`` +-1 (the
    coin: -1 noises the point), ``noise`` ``[count, d]`` float64 (the noise of the points with y = -1; the engine
    keeps it in double), and the ITD draws of the ``2 count points`` rows."""

    u: torch.Tensor
    y: torch.Tensor
    noise: torch.Tensor
    itd: ItdDraws


class ContrastiveLoss:
    """The contrastive diffusion loss (Wu et al. 2024) as the engine computes it: for each of the first ``samples``
    points x, ``zeta`` from the proposal and a fair coin; on -1 ``z = sqrt(sigmoid zeta) x + sqrt(sigmoid -zeta)
    eps``, on +1 ``z = x``; then ``loss = weight / B sum_i softplus(y_i (log p_zeta(z_i) - log p(z_i)))``, each
    log-density an ITD estimate with ``B`` points, every row carrying the label of the point it estimates."""

    kind = "cdl"

    def __init__(self, settings, reference, proposal, batch_size):
        self.settings, self.reference, self.proposal = settings, reference, proposal
        self.points = settings.points_for(batch_size)

    def count(self, batch):
        return min(self.settings.samples, batch.n)

    def draw(self, batch, generator=None):
        count = self.count(batch)
        y = torch.where(torch.rand(count, generator=generator) < 0.5, 1, -1)
        return ContrastiveDraws(torch.rand(count, generator=generator, dtype=torch.float64), y,
                                torch.randn(count, batch.dim, generator=generator, dtype=torch.float64),
                                ItdDraws.draw(2 * count * self.points, batch.dim, generator))

    def loss(self, model, batch, draws):
        count = self.count(batch)
        level = self.proposal.sample(draws.u)
        a = sigmoid64(level)
        x = batch.x0[:count].double()
        y = torch.as_tensor(draws.y, dtype=torch.int64)
        noised = torch.sqrt(a).unsqueeze(1) * x + torch.sqrt(1 - a).unsqueeze(1) * draws.noise.double()
        z = torch.where((y < 0).unsqueeze(1), noised, x).to(torch.float32)
        zeta = torch.stack([level, torch.full_like(level, float("nan"))], 1).flatten()
        terms = ItdTerms(self.reference, self.proposal, z.repeat_interleave(2, dim=0), zeta, self.points, draws.itd)
        labels = None
        if batch.labels is not None:
            labels = batch.labels[:count].repeat_interleave(2 * self.points)
        dtype = _dtype(model)
        out = model(terms.inputs.to(dtype), terms.query_log_snr.to(dtype), labels)
        nll = terms.evaluate(out).view(count, 2)
        margin = y.double() * (nll[:, 1] - nll[:, 0])
        return self.settings.weight / self.points * F.softplus(margin, beta=1, threshold=30).sum()


@dataclass
class CompositeDraws:
    first: object
    second: object


class CompositeLoss:
    """The sum of two objectives, each with its own draws ("ITD + CDL", "DDPM + CDL"); the engine runs the first's
    draws before the second's on one stream."""

    def __init__(self, kind, first, second):
        self.kind, self.first, self.second = kind, first, second

    def draw(self, batch, generator=None):
        return CompositeDraws(self.first.draw(batch, generator), self.second.draw(batch, generator))

    def loss(self, model, batch, draws):
        return self.first.loss(model, batch, draws.first) + self.second.loss(model, batch, draws.second)


@dataclass
class CdmDraws:
    """``t`` ``[n]`` int64 in ``0..T+1``; ``eps`` ``[n, d]`` float32."""

    t: torch.Tensor
    eps: torch.Tensor


@dataclass
class CdmTerms:
    """The CDM loss and its two parts (batch means)."""

    loss: torch.Tensor
    cross_entropy: torch.Tensor
    squared_error: torch.Tensor


class CdmLoss:
    """The CDM objective (Yadin, Elata and Michaeli 2024, Algorithm 1) for a noise-level classifier ``f``: ``t ~
    U{0..T+1}`` (``abar_0 = 1``, ``abar_{T+1} = 0``), ``x_t = sqrt(abar_t) x_0 + sigma_t eps``, and

    ``loss = w_ce CE(t, f(x_t)) + w_mse 1/n sum_i ||eps_i - sigma_t (grad_x F(x_t, t) + x_t)||^2``,
    ``F(x, t) = f(x)[T+1] - f(x)[t]``.

    ``grad_x F`` is taken with ``create_graph=True``, so ``loss.backward()`` is the exact double back-propagation.
    As the engine, ``sigma_t = sqrt(1 - abar_t)`` is rounded to float32 before it noises and scales.
    """

    kind = "cdm"

    def __init__(self, schedule, ce_weight=0.01, mse_weight=1.0):
        self.alpha_bars = _alpha_bars(schedule)
        self.levels = self.alpha_bars.numel()
        self.ce_weight, self.mse_weight = float(ce_weight), float(mse_weight)
        self.sigma = torch.sqrt(1 - self.alpha_bars).to(torch.float32)

    def draw(self, batch, generator=None):
        return CdmDraws(torch.randint(0, self.levels, (batch.n,), generator=generator),
                        torch.randn(batch.n, batch.dim, generator=generator))

    def terms(self, model, batch, draws):
        t = torch.as_tensor(draws.t, dtype=torch.int64)
        dtype = _dtype(model)
        s = self.sigma[t]
        xt = _noised(batch.x0, torch.sqrt(self.alpha_bars[t]), s.double(), draws.eps)
        xt = xt.to(dtype).requires_grad_(True)
        s = s.to(dtype)
        logits = model.logits(xt, batch.labels)
        if logits.shape[1] != self.levels:
            raise ValueError(f"the classifier has {logits.shape[1]} levels, the schedule {self.levels} (T + 2)")
        gap = logits[:, -1] - logits.gather(1, t.unsqueeze(1)).squeeze(1)
        (gap_gradient,) = torch.autograd.grad(gap.sum(), xt, create_graph=True)
        eps_hat = s.unsqueeze(1) * (gap_gradient + xt)
        diff = eps_hat.double() - draws.eps.double()
        squared_error = (diff * diff).sum() / batch.n
        cross_entropy = F.cross_entropy(logits.double(), t, reduction="mean")
        return CdmTerms(self.ce_weight * cross_entropy + self.mse_weight * squared_error, cross_entropy,
                        squared_error)

    def loss(self, model, batch, draws):
        return self.terms(model, batch, draws).loss


def create(spec, schedule, data_variances, batch_size):
    """A loss for an ``ObjectiveSpec`` (or a manifest's ``objective`` section), as ``Objectives.create`` builds it:
    ITD and CDL use the reference Gaussian and the proposal of the data's variances."""
    if isinstance(spec, dict):
        spec = ObjectiveSpec.from_manifest(spec)
    reference = GaussianReference(data_variances)
    proposal = LogSnrProposal.for_variances(data_variances)
    if spec.kind == "ddpm":
        return DdpmLoss(schedule)
    if spec.kind == "itd":
        return ItdLoss(reference, proposal)
    if spec.kind == "cdm":
        return CdmLoss(schedule, spec.ce_weight, spec.mse_weight)
    contrastive = ContrastiveLoss(spec.contrastive, reference, proposal, batch_size)
    first = ItdLoss(reference, proposal) if spec.kind == "cdl" else DdpmLoss(schedule)
    return CompositeLoss(spec.kind, first, contrastive)


# ---------------------------------------------------------------------------------------------------------------
# Level calibration of a CDM


@dataclass
class CalibrationResult:
    """``offsets`` ``delta_s`` (``delta_0 = 0``), ``likelihood_shift = delta_0 - delta_{T+1}``, the cross-entropy
    before and after, the iterations and the last step (see ``LevelCalibration.Result``)."""

    offsets: torch.Tensor
    likelihood_shift: float
    cross_entropy_before: float
    cross_entropy_after: float
    iterations: int
    last_step: float

    @property
    def converged(self):
        return self.last_step < LevelCalibration.TOLERANCE


class LevelCalibration:
    """The cross-entropy over noise levels minimised exactly over one offset per level, the network frozen: with
    logits ``f_s(x) + delta_s`` on ``m`` noised draws per level, iterate ``delta_s <- delta_s + log((1/(T+2)) /
    mean_x p(s | x))`` (Saerens et al. 2002) until no offset moves by more than ``TOLERANCE``."""

    TOLERANCE = 1e-6
    MAX_ITERATIONS = 500

    @staticmethod
    def noised_draws(x0, alpha_bars, per_level, eps):
        """Level ``t`` gets rows ``t m .. (t+1) m - 1`` of ``x0`` noised as ``float(sqrt(abar_t) x + sqrt(1 - abar_t)
        eps)`` (``eps`` float64, as the engine keeps it)."""
        a = _alpha_bars(alpha_bars)
        levels = a.numel()
        t = torch.arange(levels).repeat_interleave(per_level)
        return _noised(x0, torch.sqrt(a[t]), torch.sqrt(1 - a[t]), eps)

    @staticmethod
    def solve(logits, per_level):
        """The offsets for ``[levels m, levels]`` logits whose rows ``t m .. (t+1) m - 1`` were noised to level t."""
        logits = torch.as_tensor(logits).double()
        n, levels = logits.shape
        target = torch.arange(levels).repeat_interleave(per_level)
        delta = torch.zeros(levels, dtype=torch.float64)
        before = after = float("nan")
        iteration, largest = 0, float("inf")
        while iteration < LevelCalibration.MAX_ITERATIONS:
            shifted = logits + delta
            log_p = shifted - torch.logsumexp(shifted, 1, keepdim=True)
            ce = float(-log_p.gather(1, target.unsqueeze(1)).mean())
            mean = log_p.exp().mean(0)
            if iteration == 0:
                before = ce
            after = ce
            iteration += 1
            step = torch.log(1.0 / levels / torch.clamp(mean, min=2.2250738585072014e-308))
            delta = delta + step
            largest = float(step.abs().max())
            if largest < LevelCalibration.TOLERANCE:
                break
        delta = delta - delta[0]
        return CalibrationResult(delta, float(delta[0] - delta[-1]), before, after, iteration, largest)

    @staticmethod
    def fold(readout_bias, offsets):
        """The read-out bias with the offsets folded in, ``b_t += delta_t - delta_{t-1}`` (logit t is the cumulative
        sum of the read-out up to t)."""
        offsets = torch.as_tensor(offsets, dtype=torch.float64)
        step = offsets - torch.cat([offsets.new_zeros(1), offsets[:-1]])
        return readout_bias.detach() + step.to(torch.float32)
