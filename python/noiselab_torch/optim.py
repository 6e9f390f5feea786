"""Twin of the engine's optimisation (``org.noiselab.engine.optim``) and of how a training step applies it.

AdamW works on one flat float32 parameter vector, every operation in float32 in the engine's order, so one step from
the same state and gradient gives the engine's bits. After clipping the gradient to global norm ``c``
(``g <- g min(1, c / ||g||)``, the norm summed in float64 in index order), at step ``k``::

    m = b1 m + (1 - b1) g,    v = b2 v + (1 - b2) g g,
    p = p (1 - lr wd) - (lr / (1 - b1^k)) m / (sqrt(v) / sqrt(1 - b2^k) + eps).

A gradient whose norm is not finite changes nothing (not even the step count) and its norm is returned. The learning
rate is a pure function of the 1-based step (linear warm-up, then constant or a half cosine down to a fraction of the
peak), and the EMA is ``ema = d ema + (1 - d) p`` with ``d_k = min(decay, (1 + k) / (10 + k))``.
"""

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class AdamWSpec:
    """AdamW hyper-parameters plus global-norm clipping (``clip_norm = 0`` disables it); the engine's defaults."""
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    weight_decay: float = 0.0
    clip_norm: float = 1.0

    def __post_init__(self):
        if not 0 <= self.beta1 < 1:
            raise ValueError(f"beta1 {self.beta1}: must lie in [0, 1)")
        if not 0 <= self.beta2 < 1:
            raise ValueError(f"beta2 {self.beta2}: must lie in [0, 1)")
        if not self.epsilon > 0:
            raise ValueError(f"epsilon {self.epsilon}: must be positive")
        if not 0 <= self.weight_decay < 1:
            raise ValueError(f"weightDecay {self.weight_decay}: must lie in [0, 1)")
        if not (self.clip_norm >= 0 and math.isfinite(self.clip_norm)):
            raise ValueError(f"clipNorm {self.clip_norm}: must be finite and >= 0 (0 = no clipping)")

    @classmethod
    def from_manifest(cls, section):
        """From a manifest's ``training.optimizer`` section (kind ``adamw``)."""
        if section.get("kind") != "adamw":
            raise ValueError(f"optimizer.kind '{section.get('kind')}' must be adamw")
        return cls(float(section["beta1"]), float(section["beta2"]), float(section["epsilon"]),
                   float(section["weightDecay"]), float(section["clipNorm"]))


@dataclass(frozen=True)
class LearningRateSchedule:
    """Linear warm-up over ``warmup_steps`` to ``peak``, then constant or a half cosine to ``final_fraction`` of it."""
    peak: float
    warmup_steps: int = 0
    cosine: bool = False
    final_fraction: float = 1.0

    def __post_init__(self):
        if not 0 < self.peak < 10:
            raise ValueError(f"learningRate {self.peak}: must lie in (0, 10)")
        if self.warmup_steps < 0:
            raise ValueError(f"warmupSteps {self.warmup_steps}: must be >= 0")
        if not 0 <= self.final_fraction <= 1:
            raise ValueError(f"finalFraction {self.final_fraction}: must lie in [0, 1]")

    @classmethod
    def constant(cls, rate):
        return cls(rate, 0, False, 1.0)

    @classmethod
    def from_manifest(cls, section):
        """From a manifest's ``training.learningRate`` section."""
        return cls(float(section["peak"]), int(section["warmupSteps"]), bool(section["cosine"]),
                   float(section["finalFraction"]))

    def rate(self, step, total_steps):
        """The rate at 1-based ``step`` of ``total_steps``::

            step <= W:  peak step / max(1, W)
            otherwise:  peak (f + (1 - f) (1 + cos(pi min(1, (step - W) / (total - W)))) / 2)   (cosine, total > W)
        """
        w = self.warmup_steps
        if step <= w:
            return self.peak * step / max(1, w)
        if not self.cosine or total_steps <= w:
            return self.peak
        progress = min(1.0, (step - w) / (total_steps - w))
        shape = 0.5 * (1 + math.cos(math.pi * progress))
        return self.peak * (self.final_fraction + (1 - self.final_fraction) * shape)


def global_norm(grads):
    """``sqrt(sum g_i^2)`` over a flat float32 vector, squares exact in float64 and summed in index order."""
    squares = grads.detach().reshape(-1).to(torch.float64) ** 2
    if squares.numel() == 0:
        return 0.0
    return math.sqrt(torch.cumsum(squares, 0)[-1].item())  # cumsum adds in order, as the engine's loop does


class AdamW:
    """AdamW over one flat float32 parameter vector (the engine's ``AdamW``); holds the moments and the step count."""

    def __init__(self, spec, parameter_count=None, first_moment=None, second_moment=None, steps=0):
        """Fresh moments for ``parameter_count`` parameters, or saved ones (``first_moment``, ``second_moment``,
        ``steps``) to resume."""
        self.spec = spec
        if first_moment is None:
            self.m = torch.zeros(parameter_count, dtype=torch.float32)
            self.v = torch.zeros(parameter_count, dtype=torch.float32)
        else:
            self.m = torch.as_tensor(first_moment, dtype=torch.float32).reshape(-1).clone()
            self.v = torch.as_tensor(second_moment, dtype=torch.float32).reshape(-1).clone()
            if self.m.shape != self.v.shape:
                raise ValueError("moment vectors differ in length")
        self.steps = steps

    @torch.no_grad()
    def step(self, params, grads, learning_rate):
        """Updates ``params`` (flat float32, in place) with ``grads`` (not modified); returns the norm before clipping.

        A non-finite norm is returned with no update. Every operation is a float32 operation in the engine's order
        (its constants rounded from float64 to float32 as the engine rounds them).
        """
        if params.numel() != self.m.numel() or grads.numel() != self.m.numel():
            raise ValueError(f"optimiser holds {self.m.numel()} moments, got {params.numel()}")
        norm = global_norm(grads)
        if not math.isfinite(norm):
            return norm
        s = self.spec
        scale = s.clip_norm / norm if s.clip_norm > 0 and norm > s.clip_norm else 1.0
        self.steps += 1
        f32 = torch.float32

        def c(value):  # a float64 constant rounded to float32, as the engine's (float) casts do
            return torch.tensor(value, dtype=torch.float64).to(f32)

        b1, b2 = c(s.beta1), c(s.beta2)
        c1, c2 = 1 - b1, 1 - b2  # float32 subtractions, as the engine's
        step_size = c(learning_rate / (1 - s.beta1 ** self.steps))
        inv_bias2 = c(1 / math.sqrt(1 - s.beta2 ** self.steps))
        eps = c(s.epsilon)
        decay = c(1 - learning_rate * s.weight_decay)
        g = grads.reshape(-1).to(f32) * c(scale)
        self.m.copy_(b1 * self.m + c1 * g)
        self.v.copy_(b2 * self.v + (c2 * g) * g)
        flat = params.view(-1)
        flat.copy_(flat * decay - (step_size * self.m) / (torch.sqrt(self.v) * inv_bias2 + eps))
        return norm

    def first_moment(self):
        return self.m.clone()

    def second_moment(self):
        return self.v.clone()


class ExponentialMovingAverage:
    """``ema = d ema + (1 - d) p`` with ``d_k = min(decay, (1 + k) / (10 + k))`` at the k-th update (float32)."""

    def __init__(self, decay, initial, updates=0):
        if not 0 <= decay < 1:
            raise ValueError(f"emaDecay {decay}: must lie in [0, 1)")
        self.decay = decay
        self.average = torch.as_tensor(initial, dtype=torch.float32).reshape(-1).clone()
        self.updates = updates

    @torch.no_grad()
    def update(self, params):
        """Folds the current parameters (flat float32) into the average."""
        self.updates += 1
        d = torch.tensor(min(self.decay, (1.0 + self.updates) / (10.0 + self.updates)), dtype=torch.float64)
        d = d.to(torch.float32)
        self.average.copy_(d * self.average + (1 - d) * params.reshape(-1).to(torch.float32))


class NonFiniteGradient(ArithmeticError):
    """The gradient norm of a step was not finite; the step changed nothing (the engine's run stops as diverged)."""

    def __init__(self, step, norm):
        super().__init__(f"step {step}: the gradient norm is {norm}")
        self.step = step
        self.norm = norm


def training_step(optimizer, ema, schedule, total_steps, params, grads):
    """One optimiser step as the engine's training session applies it, after the loss and gradient of step
    ``k = optimizer.steps + 1``: ``lr = schedule.rate(k, total_steps)``, the AdamW update, then the EMA update.

    Returns ``(lr, norm)``; raises ``NonFiniteGradient`` (parameters, moments and EMA untouched) for a non-finite norm.
    """
    step = optimizer.steps + 1
    lr = schedule.rate(step, total_steps)
    norm = optimizer.step(params, grads, lr)
    if not math.isfinite(norm):
        raise NonFiniteGradient(step, norm)
    ema.update(params)
    return lr, norm
