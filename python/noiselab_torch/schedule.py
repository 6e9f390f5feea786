"""Twin of the engine's discrete variance-preserving noise schedules (``org.noiselab.engine.schedule``).

The forward process is ``x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps`` for ``t = 1..T``, with ``abar_0 = 1`` (clean
data) and ``abar_{T+1} = 0`` (pure noise, used by the noise-level classifiers). Every table is computed once, in
float64 and in the engine's order of operations, so the values agree with the engine's to float64 round-off:

* linear:  ``beta_t = start + (end - start) (t - 1) / (T - 1)``, ``abar_t = prod_{s<=t} (1 - beta_s)``;
* cosine:  ``f(u) = cos^2((u + s) / (1 + s) pi/2)``, ``beta_t = min(1 - f(t/T) / f(0) / abar_{t-1}, 0.999)``;
* uniform: ``abar_t = 1 - (t / (T + 1))^2`` (the TRE schedule of the CDM paper).

Derived per step: ``beta_t = 1 - abar_t / abar_{t-1}``, the log-SNR ``lambda_t = log(abar_t) - log1p(-abar_t)``
(``+inf`` at 0, ``-inf`` at T+1; the models are fed it as float32), ``sigma_t = sqrt(1 - abar_t)`` and the DDPM
posterior variance ``(1 - abar_{t-1}) / (1 - abar_t) beta_t``.
"""

import math
from dataclasses import dataclass

import torch

MAX_STEPS = 100_000


def _check_steps(steps):
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"timesteps {steps!r}: need 1 <= T <= {MAX_STEPS}")


def _table(steps):
    a = [0.0] * (steps + 2)
    a[0] = 1.0
    a[steps + 1] = 0.0
    return a


@dataclass(frozen=True)
class LinearBeta:
    """Linear betas from ``beta_start`` to ``beta_end`` (Ho et al. 2020: 1e-4 to 0.02 over T = 1000)."""
    steps: int
    beta_start: float = 1e-4
    beta_end: float = 0.02

    kind = "linear"

    def __post_init__(self):
        _check_steps(self.steps)
        if not (0 < self.beta_start <= self.beta_end < 1):
            raise ValueError(f"betas {self.beta_start}..{self.beta_end}: need 0 < start <= end < 1")

    def alpha_bars(self):
        a = _table(self.steps)
        prod = 1.0
        for t in range(1, self.steps + 1):
            if self.steps == 1:
                beta = self.beta_start
            else:
                # the engine's order: start + (end - start) * (t - 1) / (T - 1), left to right
                beta = self.beta_start + (self.beta_end - self.beta_start) * (t - 1) / (self.steps - 1)
            prod *= 1 - beta
            a[t] = prod
        return a

    def to_manifest(self):
        return {"kind": self.kind, "steps": self.steps, "betaStart": self.beta_start, "betaEnd": self.beta_end}


@dataclass(frozen=True)
class Cosine:
    """The cosine schedule of Nichol and Dhariwal 2021, each implied beta clipped at 0.999."""
    steps: int
    offset: float = 0.008

    kind = "cosine"
    MAX_BETA = 0.999

    def __post_init__(self):
        _check_steps(self.steps)
        if not (0 <= self.offset < 1):
            raise ValueError(f"offset {self.offset}: need 0 <= s < 1")

    def _f(self, u):
        c = math.cos((u + self.offset) / (1 + self.offset) * math.pi / 2)
        return c * c

    def alpha_bars(self):
        a = _table(self.steps)
        f0 = self._f(0.0)
        prev = 1.0
        for t in range(1, self.steps + 1):
            beta = min(1 - self._f(t / self.steps) / f0 / prev, self.MAX_BETA)
            prev *= 1 - beta
            a[t] = prev
        return a

    def to_manifest(self):
        return {"kind": self.kind, "steps": self.steps, "offset": self.offset}


@dataclass(frozen=True)
class Uniform:
    """The uniform (TRE) schedule ``sqrt(1 - abar_t) = t / (T + 1)`` (Rhodes et al. 2020; CDM section 4.3)."""
    steps: int

    kind = "uniform"

    def __post_init__(self):
        _check_steps(self.steps)

    def alpha_bars(self):
        a = _table(self.steps)
        for t in range(1, self.steps + 1):
            s = t / (self.steps + 1)
            a[t] = 1 - s * s
        return a

    def to_manifest(self):
        return {"kind": self.kind, "steps": self.steps}


def parse(kind, steps):
    """``linear``, ``cosine`` or ``uniform`` with T steps and the default other fields (``ScheduleSpec.parse``)."""
    if kind == "linear":
        return LinearBeta(steps)
    if kind == "cosine":
        return Cosine(steps)
    if kind == "uniform":
        return Uniform(steps)
    raise ValueError(f"schedule '{kind}': expected linear, cosine or uniform")


def spec_from_manifest(section):
    """The spec a manifest's ``schedule`` section describes (every field required, as the engine reads it)."""
    kind = section.get("kind")
    if kind == "linear":
        return LinearBeta(section["steps"], float(section["betaStart"]), float(section["betaEnd"]))
    if kind == "cosine":
        return Cosine(section["steps"], float(section["offset"]))
    if kind == "uniform":
        return Uniform(section["steps"])
    raise ValueError(f"schedule.kind '{kind}' is not linear, cosine or uniform")


def alpha_bar_of_log_snr(log_snr):
    """``sigmoid(lambda)``, written as the engine writes it so that neither branch overflows."""
    if log_snr >= 0:
        return 1 / (1 + math.exp(-log_snr))
    e = math.exp(log_snr)
    return e / (1 + e)


def log_snr_of_alpha_bar(alpha_bar):
    """``logit(abar) = log(abar) - log1p(-abar)``, ``+inf`` at 1 and ``-inf`` at 0."""
    if alpha_bar == 0:
        return -math.inf
    if alpha_bar == 1:
        return math.inf
    return math.log(alpha_bar) - math.log1p(-alpha_bar)


class NoiseSchedule:
    """The tables of a schedule spec, as float64 tensors indexed by the step t.

    ``alpha_bars`` and ``log_snrs`` hold ``t = 0..T+1``; ``betas``, ``sigmas`` and ``posterior_variances`` hold
    ``t = 0..T+1`` too, with NaN where the engine's method refuses the index (beta and the posterior variance at 0
    and T+1), so that ``table[t]`` is the engine's value at step t.
    """

    def __init__(self, spec):
        self.spec = spec
        self.steps = spec.steps
        a = spec.alpha_bars()
        self._a = a
        nan = math.nan
        beta = [nan] + [1 - a[t] / a[t - 1] for t in range(1, self.steps + 1)] + [nan]
        self.alpha_bars = torch.tensor(a, dtype=torch.float64)
        self.betas = torch.tensor(beta, dtype=torch.float64)
        self.log_snrs = torch.tensor([log_snr_of_alpha_bar(x) for x in a], dtype=torch.float64)
        self.sigmas = torch.tensor([math.sqrt(1 - x) for x in a], dtype=torch.float64)
        self.posterior_variances = torch.tensor(
            [nan] + [(1 - a[t - 1]) / (1 - a[t]) * beta[t] for t in range(1, self.steps + 1)] + [nan],
            dtype=torch.float64)

    @classmethod
    def from_manifest(cls, section):
        """The schedule of a manifest's ``schedule`` section."""
        return cls(spec_from_manifest(section))

    def _check(self, t, lo, hi):
        if not lo <= t <= hi:
            raise IndexError(f"step {t} outside {lo}..{hi}")

    def alpha_bar(self, t):
        """``abar_t`` for t in ``0..T+1`` (a Python float)."""
        self._check(t, 0, self.steps + 1)
        return self._a[t]

    def beta(self, t):
        """``beta_t = 1 - abar_t / abar_{t-1}`` for t in ``1..T``."""
        self._check(t, 1, self.steps)
        return 1 - self._a[t] / self._a[t - 1]

    def log_snr(self, t):
        """``lambda_t = logit(abar_t)`` for t in ``0..T+1``."""
        self._check(t, 0, self.steps + 1)
        return log_snr_of_alpha_bar(self._a[t])

    def sigma(self, t):
        """The noise standard deviation ``sqrt(1 - abar_t)``."""
        return math.sqrt(1 - self.alpha_bar(t))

    def posterior_variance(self, t):
        """``(1 - abar_{t-1}) / (1 - abar_t) beta_t``, the variance of ``q(x_{t-1} | x_t, x_0)``, for t in ``1..T``."""
        self._check(t, 1, self.steps)
        return (1 - self._a[t - 1]) / (1 - self._a[t]) * self.beta(t)

    def __repr__(self):
        return f"{self.spec.kind}(T={self.steps})"
