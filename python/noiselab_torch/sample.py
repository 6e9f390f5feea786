"""Twins of the engine's DDPM and DDIM samplers (``org.noiselab.engine.sample``) and of its classifier-free guidance.

Both walk the evenly respaced subsequence ``tau_0 = 0 < tau_1 < ... < tau_K`` of the training steps,
``tau_i = round(i T / K)`` (half up), from ``x`` at ``tau_K`` down to clean data, one model call per step at the
log-SNR ``lambda_{tau_i}`` (fed as float32). From ``abar = abar_{tau_i}`` to ``abar' = abar_{tau_{i-1}}``:

* DDPM (Ho et al. 2020, respaced): ``alpha = abar / abar'``, ``beta = 1 - alpha``,
  ``x' = (x - beta / sqrt(1 - abar) eps) / sqrt(alpha) + sqrt((1 - abar') / (1 - abar) beta) z``;
* DDIM (Song et al. 2021, eq. 12): ``x0 = (x - sqrt(1 - abar) eps) / sqrt(abar)``,
  ``x' = sqrt(abar') x0 + sqrt(max(0, 1 - abar' - s^2)) eps + s z`` with
  ``s = eta sqrt((1 - abar') / (1 - abar)) sqrt(1 - abar / abar')``.

The points are float32 between steps and each update is computed in float64 from them, as the engine does. Noise is
drawn only where its standard deviation is positive (never on the last step, to ``abar' = 1``), one standard normal
per coordinate in row-major order: a ``noise(shape)`` callable supplies it, so a test can replay the engine's draws.

An eps function is ``eps(x, log_snr, labels) -> eps_hat``: ``x`` float32 ``[n, dim]``, ``log_snr`` float32 ``[n]``,
``labels`` int64 ``[n]`` or ``None``; it returns float32 ``[n, dim]``.
"""

import math

import torch


def respaced_steps(training_steps, sampling_steps):
    """``[0, tau_1, ..., tau_K]`` with ``tau_i = round(i T / K)``, rounding halves up like Java's ``Math.round``."""
    if not 1 <= sampling_steps <= training_steps:
        raise ValueError(f"steps {sampling_steps}: cannot exceed the model's {training_steps} training steps")
    return [0] + [int(math.floor(i * training_steps / sampling_steps + 0.5)) for i in range(1, sampling_steps + 1)]


def gaussian_noise(generator=None):
    """A ``noise(shape)`` source of float64 standard normals from a torch generator."""
    return lambda shape: torch.randn(shape, dtype=torch.float64, generator=generator)


class NoiseTape:
    """A ``noise(shape)`` source that hands out recorded draws in order (the engine's, for a parity check)."""

    def __init__(self, draws):
        self._draws = list(draws)
        self._next = 0

    def __call__(self, shape):
        if self._next >= len(self._draws):
            raise IndexError("the noise tape is exhausted: the sampler drew more often than the recording")
        z = torch.as_tensor(self._draws[self._next], dtype=torch.float64).reshape(shape)
        self._next += 1
        return z

    def exhausted(self):
        """Whether every recorded draw was used."""
        return self._next == len(self._draws)


def guided(eps, weight, null_class):
    """Classifier-free guidance, ``eps~(x, c) = (1 + w) eps(x, c) - w eps(x, null)`` (Ho and Salimans 2022).

    As the engine's ``GuidedDenoiser``: both halves come from one call on the doubled batch ``[x; x]`` with labels
    ``[c; null]``; the combination is float32, ``(float)(1 + w) * e_c - (float) w * e_null``; rows already labelled
    ``null_class``, calls without labels and ``w = 0`` pass through unguided.
    """
    if not 0 <= weight <= 1000:
        raise ValueError(f"guidance {weight}: must lie in 0..1000")
    a = torch.tensor(1 + weight, dtype=torch.float64).to(torch.float32)
    b = torch.tensor(weight, dtype=torch.float64).to(torch.float32)

    def guided_eps(x, log_snr, labels):
        if labels is None or weight == 0:
            return eps(x, log_snr, labels)
        n = x.shape[0]
        both = eps(torch.cat([x, x]), torch.cat([log_snr, log_snr]),
                   torch.cat([labels, torch.full_like(labels, null_class)]))
        conditional, unconditional = both[:n], both[n:]
        mixed = a * conditional - b * unconditional
        keep = (labels == null_class).unsqueeze(1)
        return torch.where(keep, conditional, mixed)

    return guided_eps


def _run(eps, schedule, x, steps, labels, noise, callback, update):
    tau = respaced_steps(schedule.steps, steps)
    x = torch.as_tensor(x, dtype=torch.float32).clone()
    if labels is not None:
        labels = torch.as_tensor(labels, dtype=torch.int64)
    noise = noise if noise is not None else gaussian_noise()
    trajectory = [x.clone()]
    if callback is not None:
        callback(0, x.clone())
    for i in range(steps, 0, -1):
        t, t_prev = tau[i], tau[i - 1]
        log_snr = torch.full((x.shape[0],), schedule.log_snr(t), dtype=torch.float64).to(torch.float32)
        e = eps(x, log_snr, labels).to(torch.float32)
        x = update(x.to(torch.float64), e.to(torch.float64), schedule.alpha_bar(t), schedule.alpha_bar(t_prev),
                   noise).to(torch.float32)
        trajectory.append(x.clone())
        if callback is not None:
            callback(steps - i + 1, x.clone())
    return trajectory


def _ddpm_update(x, e, abar, abar_prev, noise):
    alpha = abar / abar_prev
    beta = 1 - alpha
    noise_std = math.sqrt((1 - abar_prev) / (1 - abar) * beta)
    eps_coefficient = beta / math.sqrt(1 - abar)
    inv_sqrt_alpha = 1 / math.sqrt(alpha)
    mean = (x - eps_coefficient * e) * inv_sqrt_alpha
    return mean + noise_std * noise(tuple(x.shape)) if noise_std > 0 else mean


def ddpm(eps, schedule, x, steps, labels=None, noise=None, callback=None):
    """Ancestral DDPM on ``steps`` respaced steps from ``x`` (float32 ``[n, dim]`` at ``tau_K``).

    Returns the trajectory ``[x_{tau_K}, ..., x_0]`` (``steps + 1`` float32 tensors); ``callback(index, x)`` sees
    the same states as they are made (index 0 is the start, as the engine's listener sees them).
    """
    return _run(eps, schedule, x, steps, labels, noise, callback, _ddpm_update)


def ddim(eps, schedule, x, steps, eta=0.0, labels=None, noise=None, callback=None):
    """DDIM on ``steps`` respaced steps (``eta = 0`` deterministic, ``eta = 1`` DDPM's posterior noise); as ``ddpm``."""
    if not 0 <= eta <= 10:
        raise ValueError(f"eta {eta}: must lie in [0, 10]")

    def update(x, e, abar, abar_prev, noise):
        s = eta * math.sqrt((1 - abar_prev) / (1 - abar) * (1 - abar / abar_prev))
        sigma = math.sqrt(1 - abar)
        inv_sqrt_abar = 1 / math.sqrt(abar)
        sqrt_abar_prev = math.sqrt(abar_prev)
        direction = math.sqrt(max(0.0, 1 - abar_prev - s * s))
        x0 = (x - sigma * e) * inv_sqrt_abar
        nxt = sqrt_abar_prev * x0 + direction * e
        return nxt + s * noise(tuple(x.shape)) if s > 0 else nxt

    return _run(eps, schedule, x, steps, labels, noise, callback, update)
